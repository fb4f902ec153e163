"""A print worker: a process of its own that turns HTML into PDF, one document at a time (README: Printing).

Started by `pool.py` as `python pdf_worker.py [font]`, never imported by the app: it loads xhtml2pdf and
ReportLab only. It registers the fonts once, at start — ReportLab's font registry is per process, which is
why rendering in the web process needed a lock that made every enterprise wait for the largest document —
then answers each job on its pipe: ("ok", pdf bytes), ("timeout", text) or ("error", text).

A job carries its time limit: xhtml2pdf stops between elements and flowables once it is spent
(`max_render_seconds`), and the pool kills the process if it does not answer shortly after.
"""
import os
import signal
import sys


def _register_fonts(font_path: str | None) -> str:
    """Register the CJK font under the family `cjk` (or ReportLab's STSong-Light); returns the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import default

    if font_path:
        name = "cjk"
        pdfmetrics.registerFont(TTFont(name, font_path))
    else:
        name = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    default.DEFAULT_FONT[name.lower()] = name
    return name


def _policy(seconds: float):
    """Nothing local, nothing remote: the fonts are registered already and images come as data: URIs."""
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(base_dir=None, allow_remote=False, max_render_seconds=seconds,
                                       max_resources=0)


def render(html: str, seconds: float) -> tuple[str, object]:
    import io

    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import RenderLimitError

    out = io.BytesIO()
    try:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=_policy(seconds))
    except RenderLimitError as exc:
        return "timeout", str(exc)
    if result.err:
        return "error", f"{result.err} 处错误"
    return "ok", out.getvalue()


def main() -> None:
    from multiprocessing.connection import Connection

    # Ctrl-C and systemd's SIGTERM reach the whole process group: the web process decides when its workers end (EOF
    # on the pipe), after the documents under way are done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # The pipes are fds 0 and 1; anything a library prints goes to stderr instead of into the answers.
    jobs, answers = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.chdir("/")  # relative paths in a document resolve nowhere useful (and are refused anyway)
    _register_fonts(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None)
    answers.send(("ready", os.getpid()))
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return  # the web process is gone
        if job is None:
            return
        try:
            answer = render(job["html"], job["seconds"])
        except Exception as exc:  # noqa: BLE001 - a broken document must not end the worker
            answer = ("error", f"{type(exc).__name__}: {exc}"[:500])
        try:
            answers.send(answer)
        except OSError:  # the web process stopped while this document was under way: nobody is waiting for it
            return


if __name__ == "__main__":
    sys.path.pop(0)  # the script's folder (app/printing) must not shadow anything
    main()
