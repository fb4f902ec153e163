"""Small helpers shared by the account views."""
from app.exceptions import FieldError


def field_error(form, exc: FieldError) -> None:
    """Show a service's FieldError beside its field (or on the form when the field is not on it)."""
    field = getattr(form, exc.field, None)
    if field is not None:
        field.errors = list(field.errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)
