"""初始值设置: reading and saving an enterprise's initial values. Services flush, never commit."""
import sqlalchemy as sa

from app.extensions import db

from .models import INITIAL_FIELDS, InitialValues


def get_or_new(enterprise_id: int) -> InitialValues:
    row = db.session.get(InitialValues, enterprise_id)
    return row or InitialValues(enterprise_id=enterprise_id)


def initial_values_for(enterprise_id: int) -> dict[str, str]:
    """The values a new certificate of this enterprise starts with (only those that are set).

    This is the one function the certificate entry reads them through.
    """
    row = db.session.scalar(sa.select(InitialValues).where(InitialValues.enterprise_id == enterprise_id))
    if row is None:
        return {}
    return {name: getattr(row, name) for name in INITIAL_FIELDS if getattr(row, name)}


def save(row: InitialValues, values: dict, actor) -> None:
    """Store the submitted values (empty means unset)."""
    for name in INITIAL_FIELDS:
        value = values.get(name)
        setattr(row, name, value.strip() if isinstance(value, str) and value.strip() else None)
    row.updated_by_id = actor.id
    db.session.add(row)
    db.session.flush()
