from django import template
from django.utils.translation import get_language

from portal.blocks.dates import EN_DASH, format_date_range, format_partial_date

register = template.Library()


def format_event_when(event, lang=None):
    """The dates as people read them; timed events add their times in the site's time
    zone ("2025년 9월 4일 14:00–16:00", "4 Sep 2025, 14:00–16:00")."""
    lang = (lang or get_language() or "ko").split("-")[0]
    if event.all_day or not (event.starts_at and event.ends_at):
        return format_date_range(event.start_date, event.end_date, lang=lang)
    start, end = event.local_starts_at, event.local_ends_at
    separator = " " if lang == "ko" else ", "
    start_day = format_partial_date(start.date(), lang=lang)
    if start.date() == end.date():
        return f"{start_day}{separator}{start:%H:%M}{EN_DASH}{end:%H:%M}"
    end_day = format_partial_date(end.date(), lang=lang)
    return f"{start_day}{separator}{start:%H:%M} {EN_DASH} {end_day}{separator}{end:%H:%M}"


@register.simple_tag
def event_when(event):
    """{% event_when event %}"""
    return format_event_when(event)
