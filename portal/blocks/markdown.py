"""Markdown for long texts, always through the nh3 sanitiser.

Staff write descriptions in Markdown. Whatever they paste (HTML included), only the
tags and attributes below reach a page: no script, style, event handler, iframe or
javascript: link.
"""

import functools
import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


# One converter per thread, reset between texts: setting up a converter and its
# extensions costs more than converting a typical description, and a profile page
# renders dozens of them. Converters keep state while converting, hence per thread.
_local = threading.local()


def converter():
    if not hasattr(_local, "markdown"):
        _local.markdown = markdown_lib.Markdown(
            extensions=["extra", "sane_lists"], output_format="html"
        )
    return _local.markdown.reset()


def render_markdown(text):
    if not text:
        return ""
    return mark_safe(sanitised_html(text))  # noqa: S308 -- sanitised by nh3 (below).


# The same text always gives the same HTML, and a page's texts are read far more often
# than they change: a profile listing dozens of partnerships converts each only once
# per process.
@functools.lru_cache(maxsize=2048)
def sanitised_html(text):
    html = converter().convert(text)
    # Headings start at h2: the page's own title is the only h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
