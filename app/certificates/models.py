"""Certificate data: certificates, goods rows, number counters, and 初始值设置."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

from .states import Status

# Fields of 初始值设置 that prefill a new certificate, in page order (DESIGN.md glossary names).
INITIAL_FIELDS = (
    "issuing_authority", "collecting_authority", "trade_mode", "serial_prefix",
    "exporter_name", "exporter_address", "exporter_phone", "exporter_fax", "exporter_email",
    "producer_name", "producer_address", "transport_mode", "port_of_loading", "marks",
    "currency", "quantity_unit", "package_unit", "weight_unit",
)


class InitialValues(db.Model):
    """初始值设置 of one enterprise (第三章)."""

    __tablename__ = "initial_values"

    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), primary_key=True)
    issuing_authority: Mapped[str | None] = mapped_column(sa.String(10))
    collecting_authority: Mapped[str | None] = mapped_column(sa.String(10))
    trade_mode: Mapped[str | None] = mapped_column(sa.String(10))
    serial_prefix: Mapped[str | None] = mapped_column(sa.String(3))
    exporter_name: Mapped[str | None] = mapped_column(sa.String(200))
    exporter_address: Mapped[str | None] = mapped_column(sa.String(400))
    exporter_phone: Mapped[str | None] = mapped_column(sa.String(40))
    exporter_fax: Mapped[str | None] = mapped_column(sa.String(40))
    exporter_email: Mapped[str | None] = mapped_column(sa.String(100))
    producer_name: Mapped[str | None] = mapped_column(sa.String(200))
    producer_address: Mapped[str | None] = mapped_column(sa.String(400))
    transport_mode: Mapped[str | None] = mapped_column(sa.String(10))
    port_of_loading: Mapped[str | None] = mapped_column(sa.String(10))
    marks: Mapped[str | None] = mapped_column(sa.String(400))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(20))
    package_unit: Mapped[str | None] = mapped_column(sa.String(20))
    weight_unit: Mapped[str | None] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime | None] = mapped_column(onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class NumberCounter(db.Model):
    """The last serial used per (enterprise, type, year, prefix): incremented in the saving transaction."""

    __tablename__ = "number_counters"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "cert_type", "year", "prefix",
                                          name="uq_number_counters_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    cert_type: Mapped[str] = mapped_column(sa.String(2))
    year: Mapped[int]
    prefix: Mapped[str] = mapped_column(sa.String(3), default="")
    last_value: Mapped[int] = mapped_column(default=0)


class Certificate(db.Model):
    """原产地证书: header from 资质备案, basic info, goods, status."""

    __tablename__ = "certificates"
    __table_args__ = (
        sa.Index("ix_certificates_enterprise_id_updated_at", "enterprise_id", "updated_at"),
        sa.Index("ix_certificates_enterprise_id_status", "enterprise_id", "status"),
        sa.Index("ix_certificates_enterprise_id_id", "enterprise_id", "id"),
        sa.Index("ix_certificates_enterprise_id_invoice_key", "enterprise_id", "invoice_key"),
        sa.Index("ix_certificates_enterprise_id_application_date", "enterprise_id", "application_date"),
        sa.Index("ix_certificates_enterprise_id_original_cert_no", "enterprise_id", "original_cert_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    cert_type: Mapped[str] = mapped_column(sa.String(2))
    cert_no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="new")  # new | change | reissue | change_reissue
    original_cert_no: Mapped[str | None] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.Text)  # 更改原因 / 重发原因
    change_content: Mapped[str | None] = mapped_column(sa.Text)  # 更改内容
    status: Mapped[Status] = mapped_column(sa.Enum(Status, native_enum=False, length=12,
                                                   values_callable=lambda e: [s.value for s in e],
                                                   validate_strings=True), default=Status.DRAFT)
    # Header, copied from 资质备案 when the certificate is created (grey, read-only).
    co_reg_no: Mapped[str] = mapped_column(sa.String(9))
    org_code: Mapped[str] = mapped_column(sa.String(18))
    applicant_name_cn: Mapped[str] = mapped_column(sa.String(100))
    # 基本信息 (fieldspecs.BASIC_FIELDS)
    exporter_name: Mapped[str | None] = mapped_column(sa.String(200))
    exporter_address: Mapped[str | None] = mapped_column(sa.String(400))
    exporter_phone: Mapped[str | None] = mapped_column(sa.String(40))
    exporter_fax: Mapped[str | None] = mapped_column(sa.String(40))
    exporter_email: Mapped[str | None] = mapped_column(sa.String(100))
    producer_name: Mapped[str | None] = mapped_column(sa.String(200))
    producer_address: Mapped[str | None] = mapped_column(sa.String(400))
    producer_description: Mapped[str | None] = mapped_column(sa.String(600))
    producer_confidential: Mapped[bool] = mapped_column(default=False)
    importer_name: Mapped[str | None] = mapped_column(sa.String(200))
    importer_address: Mapped[str | None] = mapped_column(sa.String(400))
    importer_phone: Mapped[str | None] = mapped_column(sa.String(40))
    application_date: Mapped[date | None]
    destination_country: Mapped[str | None] = mapped_column(sa.String(2))
    issuing_authority: Mapped[str | None] = mapped_column(sa.String(10))
    collecting_authority: Mapped[str | None] = mapped_column(sa.String(10))
    trade_mode: Mapped[str | None] = mapped_column(sa.String(10))
    port_of_loading: Mapped[str | None] = mapped_column(sa.String(10))
    port_of_discharge: Mapped[str | None] = mapped_column(sa.String(10))
    transport_mode: Mapped[str | None] = mapped_column(sa.String(10))
    vessel_voyage: Mapped[str | None] = mapped_column(sa.String(100))
    departure_date: Mapped[date | None]
    transport_details: Mapped[str | None] = mapped_column(sa.String(400))
    marks: Mapped[str | None] = mapped_column(sa.String(1000))
    invoice_no: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    invoice_key: Mapped[str | None] = mapped_column(sa.String(60))  # 发票号 normalised for 证书查询
    invoice_date: Mapped[date | None]
    special_terms: Mapped[str | None] = mapped_column(sa.String(600))
    remarks: Mapped[str | None] = mapped_column(sa.String(600))
    exhibition: Mapped[bool] = mapped_column(default=False)
    exhibition_info: Mapped[str | None] = mapped_column(sa.String(400))
    third_party_invoice: Mapped[bool] = mapped_column(default=False)
    application_remarks: Mapped[str | None] = mapped_column(sa.String(600))
    origin_country: Mapped[str | None] = mapped_column(sa.String(2))
    export_declaration_date: Mapped[date | None]
    # Back-to-back (RCEP, Form E): the original certificate of another party it is based on.
    back_to_back: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    btb_cert_no: Mapped[str | None] = mapped_column(sa.String(40))
    btb_cert_date: Mapped[date | None]
    btb_party: Mapped[str | None] = mapped_column(sa.String(2))
    btb_origin: Mapped[str | None] = mapped_column(sa.String(2))
    de_minimis: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # 申请人承诺 (GACC Decree 270): the text the applicant confirmed at 申报, and when.
    undertaking_text: Mapped[str | None] = mapped_column(sa.Text)
    undertaking_at: Mapped[datetime | None]
    # 原产地声明: the declaration's own serial (approval number + document date + document number).
    declaration_no: Mapped[str | None] = mapped_column(sa.String(40), index=True, unique=True)
    # Bookkeeping
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    declared_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    # From the authority's receipts: the highest 回执序号 applied, the issue date and the reviewing officer.
    receipt_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    issue_date: Mapped[date | None]
    issued_by: Mapped[str | None] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(default=1)

    enterprise = relationship("Enterprise", lazy="joined", viewonly=True)
    items: Mapped[list["CertificateItem"]] = relationship(
        back_populates="certificate", order_by="CertificateItem.position", cascade="all, delete-orphan")
    materials: Mapped[list["JapanMaterial"]] = relationship(
        back_populates="certificate", order_by="JapanMaterial.position", cascade="all, delete-orphan")
    __mapper_args__ = {"version_id_col": version}


class CertificateItem(db.Model):
    """One goods row (货物信息), ordered by position; item numbers follow the order."""

    __tablename__ = "certificate_items"
    __table_args__ = (sa.Index("ix_certificate_items_certificate_id_position", "certificate_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id", ondelete="CASCADE"))
    position: Mapped[int]
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))
    importing_hs: Mapped[str | None] = mapped_column(sa.String(12))
    name_cn: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(20))
    package_count: Mapped[int | None]
    package_unit: Mapped[str | None] = mapped_column(sa.String(20))
    gross_weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    net_weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    weight_unit: Mapped[str | None] = mapped_column(sa.String(20))
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    origin_criterion: Mapped[str | None] = mapped_column(sa.String(20))
    criterion_aux: Mapped[str | None] = mapped_column(sa.String(20))
    criterion_extra: Mapped[str | None] = mapped_column(sa.String(20))  # RCEP ACU / DMI beside the criterion
    origin_country: Mapped[str | None] = mapped_column(sa.String(2))  # RCEP box 11
    description: Mapped[str | None] = mapped_column(sa.String(1000))
    non_goods: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    certificate: Mapped[Certificate] = relationship(back_populates="items")
    __mapper_args__ = {"version_id_col": version}


class JapanMaterial(db.Model):
    """日本进料信息: a material imported from Japan (普惠制 certificates to Japan only)."""

    __tablename__ = "japan_materials"
    __table_args__ = (sa.Index("ix_japan_materials_certificate_id_position", "certificate_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificates.id", ondelete="CASCADE"))
    position: Mapped[int]
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))
    description: Mapped[str | None] = mapped_column(sa.String(400))
    quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    unit: Mapped[str | None] = mapped_column(sa.String(20))
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    version: Mapped[int] = mapped_column(default=1)

    certificate: Mapped[Certificate] = relationship(back_populates="materials")
    __mapper_args__ = {"version_id_col": version}


@sa.event.listens_for(Certificate, "before_insert")
@sa.event.listens_for(Certificate, "before_update")
def _keep_invoice_key(_mapper, _connection, cert: Certificate) -> None:
    """The normalised 发票号 that 证书查询 matches, kept beside the number as typed."""
    from .invoice import normalise_invoice

    cert.invoice_key = normalise_invoice(cert.invoice_no) or None



class Product(db.Model):
    """商品库: goods an enterprise declares again and again, saved once and picked into a goods row."""

    __tablename__ = "products"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "code", name="uq_products_enterprise_id_code"),
                      sa.Index("ix_products_enterprise_id_hs_code", "enterprise_id", "hs_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    code: Mapped[str] = mapped_column(sa.String(40))  # 商品编号: the firm's own item number (ERP, SKU)
    hs_code: Mapped[str | None] = mapped_column(sa.String(12))
    name_cn: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(300))
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(20))
    package_unit: Mapped[str | None] = mapped_column(sa.String(20))
    weight_unit: Mapped[str | None] = mapped_column(sa.String(20))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    producer_name: Mapped[str | None] = mapped_column(sa.String(200))
    producer_address: Mapped[str | None] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    criteria: Mapped[list["ProductCriterion"]] = relationship(
        back_populates="product", order_by="ProductCriterion.agreement", cascade="all, delete-orphan")
    __mapper_args__ = {"version_id_col": version}


class ProductCriterion(db.Model):
    """A 商品库 entry's 原产地标准 under one agreement (the criterion differs by agreement)."""

    __tablename__ = "product_criteria"
    __table_args__ = (sa.UniqueConstraint("product_id", "agreement", name="uq_product_criteria_product_id_agreement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    agreement: Mapped[str] = mapped_column(sa.String(20))  # the origin_criterion table's category (types.agreement)
    origin_criterion: Mapped[str] = mapped_column(sa.String(20))
    criterion_aux: Mapped[str | None] = mapped_column(sa.String(20))

    product: Mapped[Product] = relationship(back_populates="criteria")
