"""打印: certificates, application forms and invoices as PDF; overlay offsets; public verification."""
from flask import Blueprint
from markupsafe import Markup, escape

bp = Blueprint("printing", __name__)


@bp.app_template_filter("pdf_lines")
def pdf_lines(text) -> Markup:
    """Escaped text with its line breaks kept, one block per line (xhtml2pdf loses <br/> when wrapping CJK)."""
    return Markup("".join(f"<div>{escape(line) if line else '&nbsp;'}</div>" for line in str(text or "").split("\n")))


@bp.record_once
def _printable_is_what_the_font_draws(state) -> None:
    """Certificates accept only characters the print font has glyphs for (certificates/printable.py)."""
    from app.certificates import printable

    from . import fonts

    path = fonts.cjk_font_path(state.app.config.get("PRINT_CJK_FONT"))
    if path:
        printable.use_font_coverage(fonts.coverage(path))


from . import views  # noqa: E402,F401
