"""Tags of the page head (base.html): ``{% capture %}`` to reuse a block's text, and
``{% page_meta %}`` for the tags search engines and link previews read
(``portal.seo``)."""

from django import template
from django.utils.safestring import SafeData, mark_safe

from portal import seo

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        output = self.nodelist.render(context)
        text = " ".join(output.split())
        # Escaped as it was rendered: joining its words keeps it so.
        context[self.name] = mark_safe(text) if isinstance(output, SafeData) else text  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: renders its content (blocks
    included) into ``name``, its white space collapsed, and writes nothing: base.html
    reuses the page's title and description this way."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, title, description):
    request = context.get("request")
    return {
        "meta": seo.page_meta(context, title, description),
        "request": request,
        "site_identity": context.get("site_identity"),
        "IDENTITY_TAGS": context.get("IDENTITY_TAGS"),
        "site_root": request.build_absolute_uri("/") if request else "",
    }


@register.simple_tag(takes_context=True)
def site_picture(context):
    """The site's own picture (``seo.site_picture``), for pages without one."""
    return seo.site_picture(context["request"], context.get("site_identity"))
