"""打印 on 审核工作台: 请选择打印类型, 预览 and the PDF of a declaration addressed to the officer's authority (GET
only: printing changes nothing). Another authority's declaration is 404, as on the declaration page."""
from flask import request, url_for

from app.accounts.access import officer_required
from app.certificates.types import get_type
from app.printing import service
from app.printing.views import choice, pdf_response
from app.web.htmx import render_page_or_fragment

from . import bp, prints
from .views import _declaration_or_404


def _urls(declaration_id: int) -> dict:
    return {"preview": url_for("authority.print_preview", declaration_id=declaration_id),
            "pdf": url_for("authority.print_pdf", declaration_id=declaration_id),
            "dialog": url_for("authority.print_dialog", declaration_id=declaration_id), "settings": None,
            "back": (url_for("authority.declaration", declaration_id=declaration_id), "返回审核")}


def _page(declaration_id: int) -> dict:
    declaration = _declaration_or_404(declaration_id)
    cert = prints.printable(declaration)
    return {"d": declaration, "cert": cert, "kinds": service.kinds_for(cert), "formats": service.FORMATS,
            "urls": _urls(declaration.id), "key": f"d{declaration.id}"}


@bp.get("/authority/declarations/<int:declaration_id>/print")
@officer_required
def print_dialog(declaration_id):
    """请选择打印类型 over the declaration (a page without JS)."""
    page = _page(declaration_id)
    return render_page_or_fragment("authority/print.html", "printing/_dialog.html",
                                   refused=service.refusal(page["cert"]), ctype=get_type(page["cert"].cert_type),
                                   **page)


@bp.get("/authority/declarations/<int:declaration_id>/print/preview")
@officer_required
def print_preview(declaration_id):
    page = _page(declaration_id)
    kind, fmt = choice(page["cert"])
    refused = service.refusal(page["cert"])
    if refused:
        return render_page_or_fragment("errors/error.html", "errors/_error.html", 409, title="不能打印", text=refused)
    pdf_url = url_for("authority.print_pdf", declaration_id=declaration_id, kind=kind, format=fmt)
    return render_page_or_fragment("authority/print_preview.html", "printing/_preview.html", kind=kind, fmt=fmt,
                                   pdf_url=pdf_url, **page)


@bp.get("/authority/declarations/<int:declaration_id>/print.pdf")
@officer_required
def print_pdf(declaration_id):
    """The PDF (inline, or a download with ?download=1), read from the declaration as received."""
    page = _page(declaration_id)
    kind, fmt = choice(page["cert"])
    make = lambda: prints.document(page["d"], page["cert"], kind, fmt, request.host_url)  # noqa: E731
    return pdf_response(page["cert"], kind, fmt, make, page["urls"]["back"])
