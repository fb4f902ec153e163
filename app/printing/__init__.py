"""打印: certificates, application forms and invoices as PDF; overlay offsets; public verification."""
from flask import Blueprint
from markupsafe import Markup, escape

bp = Blueprint("printing", __name__)


@bp.app_template_filter("pdf_lines")
def pdf_lines(text) -> Markup:
    """Escaped text with its line breaks kept, one block per line (xhtml2pdf loses <br/> when wrapping CJK)."""
    return Markup("".join(f"<div>{escape(line) if line else '&nbsp;'}</div>" for line in str(text or "").split("\n")))


from . import views  # noqa: E402,F401
