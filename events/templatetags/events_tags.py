from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events import recurrence
from portal.blocks.dates import EN_DASH, format_date_range, format_partial_date

register = template.Library()


def format_event_when(event, lang=None):
    """The dates as people read them; timed events add their times in the site's time
    zone ("2025년 9월 4일 14:00–16:00", "4 Sep 2025, 14:00–16:00")."""
    lang = (lang or get_language() or "ko").split("-")[0]
    if event.repeat:
        return format_repeat_when(event, lang)
    if event.all_day or not (event.starts_at and event.ends_at):
        return format_date_range(event.start_date, event.end_date, lang=lang)
    start, end = event.local_starts_at, event.local_ends_at
    separator = " " if lang == "ko" else ", "
    start_day = format_partial_date(start.date(), lang=lang)
    if start.date() == end.date():
        return f"{start_day}{separator}{start:%H:%M}{EN_DASH}{end:%H:%M}"
    end_day = format_partial_date(end.date(), lang=lang)
    return f"{start_day}{separator}{start:%H:%M} {EN_DASH} {end_day}{separator}{end:%H:%M}"


def format_times(starts_at, ends_at):
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{start:%H:%M}{EN_DASH}{end:%H:%M}"


def format_repeat_when(event, lang):
    """A repeating event: its rule, its times and its first and last dates ("Every week
    on Tuesday, 19:00–21:00 (4 Mar – 24 Jun 2025)")."""
    parts = [recurrence.describe(event)]
    if event.is_timed:
        parts.append(format_times(event.starts_at, event.ends_at))
    span = format_date_range(event.start_date, event.end_date, lang=lang)
    return f"{', '.join(parts)} ({span})"


@register.simple_tag
def occurrence_when(occurrence):
    """{% occurrence_when date %}: one date of a repeating event."""
    lang = (get_language() or "ko").split("-")[0]
    day = format_partial_date(occurrence.start_date, lang=lang)
    if occurrence.is_timed:
        separator = " " if lang == "ko" else ", "
        return f"{day}{separator}{format_times(occurrence.starts_at, occurrence.ends_at)}"
    return day


@register.simple_tag
def event_when(event):
    """{% event_when event %}"""
    return format_event_when(event)


FILTER_LABELS = {
    "part_of": _("In the programme of"),
    "venue": _("Venue"),
    "institution": _("Held at or organised by"),
    "city": _("City"),
}


@register.simple_tag
def filter_label(name):
    """{% filter_label "venue" as label %}: what a chosen link filter is called."""
    return FILTER_LABELS.get(name, name)


@register.simple_tag(takes_context=True)
def query_without(context, name):
    """{% query_without "venue" %}: this page's query without ``name`` (and the page)."""
    params = context["request"].GET.copy()
    for key in (name, "page"):
        params.pop(key, None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
