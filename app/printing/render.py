"""HTML → PDF with xhtml2pdf, reading nothing outside the font folder (ResourceAccessPolicy)."""
import io
import os
import threading

from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

_lock = threading.Lock()  # ReportLab's font registry is process-wide


class RenderError(Exception):
    pass


def html_to_pdf(html: str, font_path: str | None) -> bytes:
    roots = (os.path.dirname(font_path),) if font_path else ()
    policy = ResourceAccessPolicy(allow_remote=False, extra_roots=roots)
    out = io.BytesIO()
    with _lock:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if result.err:
        raise RenderError(f"PDF 生成失败（{result.err} 处错误）")
    return out.getvalue()
