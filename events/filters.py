"""The events filter: one FilterSet for the list page and the calendar feed alike.

Venue, city and parent event are not picked from a list on this page (5,000
institutions would make every response heavy): the institution and city pages link to
their events (``?venue=<slug>``, ``?city=<slug>``; ``?institution=<slug>`` for the events it hosts
or organises), an event page to its whole programme
(``?part_of=<slug>``), and the list shows the choice as a filter that can be removed. An
unknown slug or a malformed date is a form error, not a 500.
"""

import functools

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cities.models import City
from events.models import Event, EventKind, EventSeries
from institutions.models import Institution
from portal.blocks.listing import set_choices
from portal.blocks.widgets import QuickSelect


class When:
    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"
    CHOICES = [
        (UPCOMING, _("Now on and upcoming")),
        (PAST, _("Past")),
        (ALL, _("All")),
    ]


class EventFilterForm(forms.Form):
    def full_clean(self):
        super().full_clean()
        # Tie each error to its input, so that a screen reader reads them together.
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}_error"

    def chosen_links(self):
        """The parent event, venue and city the list is narrowed to, as (field name,
        record) pairs."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return []
        return [
            (name, self.cleaned_data[name]) for name in LINK_FIELDS if self.cleaned_data.get(name)
        ]

    def link_errors(self):
        """The errors of the chosen links (an unknown or unpublished slug), as (field
        name, errors) pairs: shown where the chosen links are, with a link to remove."""
        if not self.is_bound:
            return []
        return [(name, self.errors[name]) for name in LINK_FIELDS if name in self.errors]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the date range cannot be before its start."))
        return cleaned


# Callables, so that "published" is decided at each request, not when this module loads.
def linked(name, model, *fields):
    """The published records the ``name`` parameter may name. Built only when the
    address names one: on most requests it names none, and building a queryset for
    each such field was a good part of what a warm list page cost."""

    def queryset(request):
        if request is not None and not request.GET.get(name):
            return model.objects.none()
        return model.objects.published().only("pk", "slug", "status", "publish_at", *fields)

    return queryset


def series_choices():
    """(slug, name in the page's language) of every published series, from rows: a
    select of model instances cost more than the rest of the list page's form."""
    own, other = ("name_en", "name_ko") if get_language() == "en" else ("name_ko", "name_en")
    return [
        (row["slug"], row[own] or row[other] or row["slug"])
        for row in EventSeries.objects.published().values("slug", own, other)
    ]


# Chosen by following a link from an event, institution or city page, not typed (see
# above).
LINK_FIELDS = ("part_of", "venue", "institution", "city")


class EventFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("When"),
        choices=When.CHOICES,
        method="filter_when",
        empty_label=None,
        null_label=None,
    )
    kind = django_filters.ChoiceFilter(
        widget=QuickSelect, label=_("Kind"), choices=EventKind.choices, empty_label=_("All kinds")
    )
    series = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label=_("Series"),
        field_name="series__slug",
        choices=[],
        empty_label=_("All series"),
        error_messages={"invalid_choice": _("There is no event series with this name.")},
    )
    venue = django_filters.ModelChoiceFilter(
        label=_("Venue"),
        queryset=linked("venue", Institution, "name", "name_ko", "name_en"),
        to_field_name="slug",
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "This venue is not in the directory (any more). Show events at any venue."
            )
        },
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Held at or organised by"),
        queryset=linked("institution", Institution, "name", "name_ko", "name_en"),
        to_field_name="slug",
        widget=forms.HiddenInput,
        method="filter_institution",
        error_messages={
            "invalid_choice": _(
                "This institution is not in the directory (any more). Show events of any "
                "institution."
            )
        },
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        queryset=linked("city", City, "name", "name_ko", "name_en"),
        to_field_name="slug",
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "This city is not in the network directory (any more). Show events in any city."
            )
        },
    )
    part_of = django_filters.ModelChoiceFilter(
        label=_("In the programme of"),
        field_name="parent",
        queryset=linked("part_of", Event, "title", "title_ko", "title_en"),
        to_field_name="slug",
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "This event is not on the site (any more). Show events of any programme."
            )
        },
    )
    start = django_filters.DateFilter(
        label=_("From"),
        method="filter_dates",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    end = django_filters.DateFilter(
        label=_("Until"),
        method="filter_dates",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    q = django_filters.CharFilter(label=_("Search words"), method="filter_text", max_length=200)

    class Meta:
        model = Event
        fields = []
        form = EventFilterForm

    # Applied together in filter_queryset (so that the default and the ordering can
    # depend on the whole form); the per-field methods are placeholders.
    def filter_when(self, queryset, name, value):
        return queryset

    def filter_dates(self, queryset, name, value):
        return queryset

    # The query parameter is a slug, as the API's schema (drf-spectacular) reads from the
    # hint; the form has made it the institution by then.
    def filter_institution(self, queryset, name, value: str):
        return queryset.at_or_by(value)

    def filter_text(self, queryset, name, value):
        # The site search's matching (titles, summaries, places, venues, series, kinds).
        return queryset.search(value) if value.strip() else queryset

    def __init__(self, data=None, *args, default_when=When.UPCOMING, **kwargs):
        # Without a period the list shows what is on now and next (the feed: everything);
        # a date range alone means "whatever overlaps these dates", past or future. The
        # chosen period is written into the data so that the form shows it.
        data = data.copy() if data is not None else {}
        if not data.get("when"):
            data["when"] = When.ALL if data.get("start") or data.get("end") else default_when
        super().__init__(data, *args, **kwargs)
        # Read when first needed (a chosen series, or the form shown; not for the feed
        # without one), and once for validating and rendering alike.
        set_choices(self.filters["series"], functools.cache(series_choices))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        queryset = queryset.overlapping(data.get("start"), data.get("end"))
        when = data.get("when")
        if when == When.UPCOMING:
            return queryset.current_and_upcoming()
        if when == When.PAST:
            return queryset.past()
        return queryset.order_by(F("start_date").desc(nulls_last=True), "-end_date", "-pk")


class MonthFilter(EventFilter):
    """The events filter of the month calendar: the month is the period, so the list's
    period and date range (``when``, ``start``, ``end``) are left out."""

    when = None
    start = None
    end = None

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.data.pop("when", None)
