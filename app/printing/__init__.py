"""打印: certificates, application forms and invoices as PDF; overlay offsets; public verification."""
from flask import Blueprint
from markupsafe import Markup, escape

bp = Blueprint("printing", __name__)


@bp.app_template_filter("pdf_lines")
def pdf_lines(text) -> Markup:
    """Escaped text with its line breaks kept, one block per line (xhtml2pdf loses <br/> when wrapping CJK)."""
    return Markup("".join(f"<div>{escape(line) if line else '&nbsp;'}</div>" for line in str(text or "").split("\n")))


BODY_PT = 9  # the font size of the flowing documents (_document_head.html)


@bp.app_template_filter("fitted")
def fitted(text, width_mm: float, size: float = 9, bold: bool = False) -> Markup:
    """`text` broken into lines of `width_mm` at `size` pt (smaller only for a word wider than the column), one
    block per line (wrap.py): the flowing documents (申请书, 发票, 原产地声明) are laid out without CJK wrapping."""
    from flask import current_app

    from . import fonts, wrap

    measure = fonts.measurer(fonts.cjk_font_path(current_app.config.get("PRINT_CJK_FONT")))
    sizes = tuple(s for s in (size, size - 0.5, size - 1, size - 1.5, size - 2, size - 2.5, size - 3) if s >= 5)
    block = wrap.fit(text, width_mm, None, measure, sizes, bold)
    style = f"font-size: {block.size:g}pt" + ("; font-weight: bold" if bold else "")
    if len(block.lines) <= 1 and block.size == size and size == BODY_PT and not bold:
        return Markup(escape(block.lines[0]) if block.lines else "&nbsp;")  # most cells: the text alone is cheapest
    if len(block.lines) <= 1:
        return Markup(f'<span style="{style}">{escape(block.lines[0]) if block.lines else "&nbsp;"}</span>')
    lines = "".join(f"<div>{escape(line) if line else '&nbsp;'}</div>" for line in block.lines)
    return Markup(f'<div style="{style}">{lines}</div>')


@bp.record_once
def _printable_is_what_the_font_draws(state) -> None:
    """Certificates accept only characters the print font has glyphs for (certificates/printable.py)."""
    from app.certificates import printable

    from . import fonts

    path = fonts.cjk_font_path(state.app.config.get("PRINT_CJK_FONT"))
    if path:
        printable.use_font_coverage(fonts.coverage(path))


from . import views  # noqa: E402,F401
