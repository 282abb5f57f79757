from django import template
from django.utils.html import format_html

from portal.blocks.translation_status import displayed

register = template.Library()


@register.simple_tag
def city_name(city):
    """``{% city_name city as name %}``: the city's name in the page's language, a
    fallback marked with its ``lang``, as HTML to place inside a translated sentence."""
    name = displayed(city, "name")
    if name.is_fallback:
        return format_html('<span lang="{}">{}</span>', name.lang, name.text)
    return name.text
