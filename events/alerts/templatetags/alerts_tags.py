"""Links to the alerts form with its choices made: from the events list (its kind,
series and city filters) and from an event page (its series, or its kind and city)."""

from django import template
from django.http import QueryDict

register = template.Library()

FILTERS = ("kind", "series", "city")


def _query(pairs):
    query = QueryDict(mutable=True)
    for name, value in pairs:
        if value:
            query.appendlist(name, value)
    return f"?{query.urlencode()}" if query else ""


@register.simple_tag(takes_context=True)
def alert_query(context):
    """{% alert_query %}: the list's own filters, as the page was keyed by them."""
    request = context.get("request")
    if request is None:
        return ""
    return _query((name, value) for name in FILTERS for value in request.GET.getlist(name))


@register.simple_tag
def alert_query_for(event):
    """{% alert_query_for event %}: events of its series, or of its kind in its city."""
    if event.public_series:
        return _query([("series", event.series.slug)])
    city = event.public_city
    return _query([("kind", event.kind), ("city", city.slug if city else "")])
