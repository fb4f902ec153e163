"""日本进料信息 (manual 1.2): materials imported from Japan, on 普惠制 certificates to Japan."""
from app.extensions import db
from app.refdata.hs import check_hs_code

from .fieldspecs import MATERIAL_FIELDS
from .models import Certificate, JapanMaterial
from .services import require_editable, touch


def _assign(row: JapanMaterial, data: dict) -> None:
    for name in MATERIAL_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        if name == "hs_code" and value:
            value = check_hs_code(value)[0] or value
        setattr(row, name, value)


def add_material(cert: Certificate, data: dict) -> JapanMaterial:
    require_editable(cert)
    row = JapanMaterial(position=len(cert.materials) + 1)
    _assign(row, data)
    cert.materials.append(row)
    touch(cert)
    db.session.flush()
    return row


def update_material(row: JapanMaterial, data: dict) -> None:
    require_editable(row.certificate)
    _assign(row, data)
    touch(row.certificate)
    db.session.flush()
