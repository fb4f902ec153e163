"""htmx helpers: one function decides between a whole page and a fragment.

Three shapes of response exist:
- page: the full shell (header, menu, tabs) around the content (plain requests, boosted links
  outside the tab panes, history restores);
- pane: the content alone, for the shell's tab panes (htmx requests whose target is `pane-…`);
- fragment: a partial template whose root element is the htmx target.
"""
from flask import make_response, render_template, request

PANE_PREFIX = "pane-"


def _header_true(name: str) -> bool:
    return request.headers.get(name, "").lower() == "true"


def is_htmx() -> bool:
    return _header_true("HX-Request")


def is_pane_request() -> bool:
    """An htmx request that loads a page into one of the shell's tab panes."""
    return (is_htmx() and not _header_true("HX-History-Restore-Request")
            and request.headers.get("HX-Target", "").startswith(PANE_PREFIX))


def is_fragment_request() -> bool:
    """HX-Request, not boosted, not a history restore, and not a page loaded into a tab pane."""
    return (is_htmx() and not _header_true("HX-Boosted")
            and not _header_true("HX-History-Restore-Request") and not is_pane_request())


def vary(response):
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def render_page_or_fragment(page_template: str, fragment_template: str, status: int = 200, **context):
    """Render the fragment for an htmx fragment request, else the page; always Vary on the htmx headers."""
    template = fragment_template if is_fragment_request() else page_template
    return vary(make_response(render_template(template, **context), status))


def layout_template() -> str:
    """The layout a page extends: the bare pane content inside the shell's tabs, else the full shell."""
    return "pane.html" if is_pane_request() else "layout.html"
