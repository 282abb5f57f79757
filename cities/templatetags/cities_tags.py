from django import template
from django.utils.html import format_html

from portal.blocks.translation_status import displayed

register = template.Library()


@register.filter
def in_page_language(obj, field):
    """``{% with name=city|in_page_language:"name" %}``: the field's text in the page's
    language or its fallback, with ``.lang`` and ``.is_fallback``. For short texts such
    as names, where a lang attribute is enough and a visible note on every card in a
    list would be noise (the page's one notice says why)."""
    return displayed(obj, field)


@register.simple_tag
def city_name(city):
    """``{% city_name city as name %}``: the city's name in the page's language, a
    fallback marked with its ``lang``, as HTML to place inside a translated sentence."""
    name = displayed(city, "name")
    if name.is_fallback:
        return format_html('<span lang="{}">{}</span>', name.lang, name.text)
    return name.text
