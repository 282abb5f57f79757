from django import template

from portal.blocks.translation_status import displayed

register = template.Library()


@register.filter
def in_page_language(obj, field):
    """``{% with name=city|in_page_language:"name" %}``: the field's text in the page's
    language or its fallback, with ``.lang`` and ``.is_fallback``. For short texts such
    as names, where a lang attribute is enough and a visible note on every card in a
    list would be noise (the page's one notice says why)."""
    return displayed(obj, field)
