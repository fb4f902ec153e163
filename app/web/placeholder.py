"""Pages whose function is not built yet say so plainly instead of pretending."""
from .htmx import render_page_or_fragment


def under_construction(title: str):
    return render_page_or_fragment("web/under_construction.html", "web/under_construction.html", title=title)
