import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from portal.blocks import text_search
from portal.blocks.dates import format_date_range, format_partial_date
from portal.blocks.images import image_preload, responsive_image
from portal.blocks.markdown import render_markdown
from portal.blocks.translation_status import displayed, fallback_notes, localized

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.simple_tag
def localized_text(obj, field, markdown=False):
    """A translated field in the page's language; when only the other language has
    text, that text marked with its ``lang`` (the page's one notice says why: see
    ``translation_notice``). No note beside it: not in headings, not on every card."""
    value = displayed(obj, field)
    if not value:
        return ""
    body = render_markdown(value.text) if markdown else value.text
    if not value.is_fallback:
        return body
    tag = "div" if markdown else "span"
    return format_html(
        '<{tag} lang="{lang}" class="untranslated">{body}</{tag}>',
        tag=tag,
        lang=value.lang,
        body=body,
    )


@register.simple_tag
def highlighted(obj, field, text):
    """``localized_text`` with the searched words of ``text`` in ``<mark>`` (escaped)."""
    value = displayed(obj, field)
    if not value:
        return ""
    body = text_search.highlight(value.text, text)
    if not value.is_fallback:
        return body
    return format_html('<span lang="{}" class="untranslated">{}</span>', value.lang, body)


class TranslationNoticeNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # The content is rendered first, so that the notice above it knows whether any
        # of it fell back to the other language.
        with fallback_notes() as languages:
            content = self.nodelist.render(context)
        if not languages:
            return content
        names = ", ".join(
            str(get_language_info(code)["name_translated"]) for code in sorted(languages)
        )
        notice = _("Some of this page is not yet translated and is shown in %(language)s.") % {
            "language": names
        }
        # NodeList.render returns safe text, which format_html keeps as it is.
        return format_html('<p class="translation-notice" role="note">{}</p>{}', notice, content)


@register.tag
def translation_notice(parser, token):
    """``{% translation_notice %}…{% endtranslation_notice %}`` around a page's content:
    one quiet notice before it when any text inside fell back to the other language."""
    nodelist = parser.parse(("endtranslation_notice",))
    parser.delete_first_token()
    return TranslationNoticeNode(nodelist)


# The widths an image takes in the site's layouts (static/css/site.css), by name, so
# that every card and page says them alike: a card is one column of the card grid
# (one, two or three across the 72rem page), a wide image spans the page.
IMAGE_SIZES = {
    "card": "(min-width: 72rem) 23rem, (min-width: 64rem) 31vw, (min-width: 40rem) 47vw, 92vw",
    "wide": "(min-width: 72rem) 70rem, 100vw",
    "hero": "(min-width: 72rem) 35rem, (min-width: 64rem) 48vw, 100vw",
    "half": "(min-width: 72rem) 42rem, (min-width: 64rem) 58vw, 100vw",
    "gallery": "(min-width: 72rem) 23rem, (min-width: 40rem) 47vw, 92vw",
}


def _image_args(obj, field):
    return (
        getattr(obj, field),
        localized(obj, f"{field}_alt").text,
        getattr(obj, f"{field}_width"),
        getattr(obj, f"{field}_height"),
    )


@register.simple_tag
def image(obj, sizes="100vw", css_class="", field="image", priority="lazy"):
    """``obj``'s image ``field`` (with ``<field>_alt``, ``_width`` and ``_height``
    beside it), e.g. ``{% image site_identity sizes="10rem" field="emblem" %}``.
    ``sizes`` is a media list or a name of ``IMAGE_SIZES``; ``priority="high"`` for the
    first large image of a page, ``"eager"`` for a small one at its top."""
    if not getattr(obj, field, None):
        return ""
    image_file, alt, width, height = _image_args(obj, field)
    return responsive_image(
        image_file,
        alt,
        width,
        height,
        sizes=IMAGE_SIZES.get(sizes, sizes),
        css_class=css_class,
        priority=priority,
    )


@register.simple_tag
def preload_image(obj, sizes="100vw", field="image"):
    """In ``{% block head %}``: ``<link rel="preload">`` for the image a page shows
    first with ``priority="high"`` (the same ``sizes``)."""
    if not getattr(obj, field, None):
        return ""
    image_file, _alt, width, _height = _image_args(obj, field)
    return image_preload(image_file, width, sizes=IMAGE_SIZES.get(sizes, sizes))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied (None removes a key): for
    pagination links that keep the filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def minutes(delta):
    """A timedelta as whole minutes (for the login lockout message)."""
    try:
        return max(1, round(delta.total_seconds() / 60))
    except AttributeError:
        return ""


@register.simple_tag
def partial_date(value, precision="day"):
    """{% partial_date partnership.start_date partnership.start_precision %}"""
    return format_partial_date(value, precision)


@register.simple_tag
def date_range(start, end):
    """{% date_range event.start_date event.end_date %}"""
    return format_date_range(start, end)


# Inside <script>, "<", ">" and "&" must not appear literally, or a value containing
# "</script>" would end the element (the table Django's json_script uses).
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """``<script type="application/ld+json">`` for schema.org data built as a dict.

    Django's json_script writes type="application/json", which search engines ignore.
    The JSON is escaped as a whole, so no text in it can close the element; a data block
    is not executed, so the Content-Security-Policy does not apply to it.
    """
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    encoded = mark_safe(encoded.translate(JSON_SCRIPT_ESCAPES))  # noqa: S308
    return format_html('<script type="application/ld+json">{}</script>', encoded)
