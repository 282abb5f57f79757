import datetime

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from cities.models import City
from events import ics, months
from events.filters import EventFilter, MonthFilter, When
from events.models import Event, EventSeries
from events.schema import event_json_ld
from institutions.models import Institution
from portal.blocks.caching import cached_page, links, listing
from portal.blocks.caching.schedule import NEW_DAY
from portal.blocks.listing import FilteredListView, FirstRows, has_related
from portal.blocks.publishing import PublishedDetailMixin

# The feed holds at most this many events (those nearest to today, or the first in the
# order of a chosen period), and without a chosen period or dates only those that ended
# in the past half year: a subscription stays small and quick to build whatever the
# archive grows to.
FEED_LIMIT = 200
FEED_PAST_DAYS = 180

# The detail page shows at most this many programme items and other editions of the
# series (a festival may have hundreds of items); the rest are one link away, in the
# events list filtered to them.
DETAIL_LIST_LIMIT = 20


def feed_query_string(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# Which events are upcoming changes with the date.
EVENT_LISTS = [Event, Institution, "m:cities.city", "m:events.eventseries", NEW_DAY]
# The events page shows each event by the records it loads (its card).
EVENTS_LISTED = [listing(Event), listing(Institution), listing(City), listing(EventSeries), NEW_DAY]


@cached_page(
    params=[EventFilter, "page"], free_text=["q", "start", "end"], depends_on=EVENTS_LISTED
)
class EventListView(FilteredListView):
    filterset_class = EventFilter
    template_name = "events/event_list.html"

    def get_queryset(self):
        return Event.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["when"] = self.filterset.form.data.get("when", When.UPCOMING)
        query = feed_query_string(self.request)
        feed_path = reverse("events:feed") + (f"?{query}" if query else "")
        feed_url = self.request.build_absolute_uri(feed_path)
        context["feed_path"] = feed_path
        context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1]
        context["calendar_path"] = month_path(timezone.localdate(), self.request)
        return context


def month_path(day, request):
    """The month calendar of ``day``, with the month filters of ``request``."""
    path = reverse("events:month", kwargs={"year": day.year, "month": day.month})
    query = month_query(request)
    return path + (f"?{query}" if query else "")


def month_query(request):
    """The query string of the filters the month calendar keeps."""
    params = request.GET.copy()
    for key in list(params):
        if key not in MonthFilter.base_filters:
            params.pop(key)
    return params.urlencode()


class CalendarTodayView(View):
    """This month's calendar (in the site's time zone), with the same filters. Not
    cached: a redirect costs nothing, and its target changes with the month."""

    def get(self, request):
        return redirect(month_path(timezone.localdate(), request))


# Today is marked, and which events a month holds changes as they are edited.
@cached_page(params=[MonthFilter], free_text=["q"], depends_on=EVENT_LISTS)
class EventMonthView(TemplateView):
    template_name = "events/event_calendar.html"

    def get(self, request, *args, **kwargs):
        year, month = kwargs["year"], kwargs["month"]
        if not months.in_range(year, month):
            raise Http404(_("The calendar has no such month."))
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, month = kwargs["year"], kwargs["month"]
        first, last = months.month_bounds(year, month)
        self.filterset = MonthFilter(
            self.request.GET,
            queryset=Event.objects.published().for_listing(),
            request=self.request,
        )
        events = []
        if self.filterset.is_valid():
            events = list(
                self.filterset.qs.overlapping(first, last).order_by(
                    F("start_date").asc(nulls_first=True), "starts_at", "pk"
                )[: months.MONTH_LIMIT + 1]
            )
        lang = (get_language() or "ko").split("-")[0]
        query = month_query(self.request)
        suffix = f"?{query}" if query else ""

        def link(delta):
            y, m = months.shift_month(year, month, delta)
            if not months.in_range(y, m):
                return None
            return reverse("events:month", kwargs={"year": y, "month": m}) + suffix

        previous_year, previous_month = months.shift_month(year, month, -1)
        next_year, next_month = months.shift_month(year, month, 1)
        list_query = f"?start={first.isoformat()}&end={last.isoformat()}" + (
            f"&{query}" if query else ""
        )
        context.update(
            filter=self.filterset,
            filters_applied=any(self.request.GET.get(key) for key in MonthFilter.base_filters),
            month_label=months.month_label(year, month, lang),
            weekdays=months.WEEKDAYS,
            weeks=months.build_weeks(
                events[: months.MONTH_LIMIT], year, month, timezone.localdate(), lang
            ),
            event_count=len(events),
            cut=len(events) > months.MONTH_LIMIT,
            month_limit=months.MONTH_LIMIT,
            previous_url=link(-1),
            previous_label=months.month_label(previous_year, previous_month, lang),
            next_url=link(1),
            next_label=months.month_label(next_year, next_month, lang),
            this_month_url=month_path(timezone.localdate(), self.request),
            action=reverse("events:month", kwargs={"year": year, "month": month}),
            list_url=reverse("events:list") + list_query,
        )
        return context


def public_programme(events):
    return events.published()


def public_documents(documents):
    # By the relation's name: the document library is the site shell's.
    return documents.published().for_event_page()


# The page lists its programme (events pointing at it) and the other editions of its
# series (events pointing at the series); a repeating event, its dates still to come.
@cached_page(
    depends_on=[
        lambda view: [links(view.object), links(view.object.series)],
        lambda view: [NEW_DAY] if view.object.repeat else [],
    ]
)
class EventDetailView(PublishedDetailMixin, DetailView):
    model = Event
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("venue", "city", "series", "parent")
            .annotate(
                has_programme=has_related(Event, "programme", public_programme),
                has_documents=has_related(Event, "documents", public_documents),
                has_gallery=has_related(Event, "gallery"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        organisers = list(
            event.organisers.published()
            .only(
                "pk",
                "slug",
                "name",
                "name_ko",
                "name_en",
                "status",
                "publish_at",
            )
            .order_by("slug")
        )
        series = event.series
        editions = (
            Event.objects.published()
            .filter(series=series)
            .exclude(pk=event.pk)
            .for_compact_listing()
            .order_by("-end_date", "-pk")
            if event.public_series
            else Event.objects.none()
        )
        context.update(
            organisers=organisers,
            programme=FirstRows(
                public_programme(event.programme.all())
                .for_listing()
                .order_by("start_date", "starts_at", "pk"),
                DETAIL_LIST_LIMIT,
                exists=event.has_programme,
            ),
            other_editions=FirstRows(editions, DETAIL_LIST_LIMIT),
            documents=FirstRows(
                public_documents(event.documents.all()),
                DETAIL_LIST_LIMIT,
                exists=event.has_documents,
            ),
            json_ld=event_json_ld(event, self.request, organisers=organisers),
        )
        return context


@cached_page()
class EventIcsView(View):
    """One event as an .ics file to open in a calendar app."""

    def get(self, request, slug):
        event = get_object_or_404(
            Event.objects.published().select_related("venue", "city"), slug=slug
        )
        body = ics.build_calendar([event], request, name=event.title)
        return ics.calendar_response(body, f"{event.slug}.ics")


@cached_page(params=[EventFilter], free_text=["q", "start", "end"], depends_on=EVENT_LISTS)
class EventFeedView(View):
    """The calendar to subscribe to: the list page's filters apply; without ``when`` it
    includes past events too, so a subscriber's calendar keeps what already happened."""

    def get(self, request):
        try:
            body = self.build(request)
        except ValidationError as error:
            return HttpResponse(
                "\n".join([_("The calendar filters are not valid:"), *error.messages]) + "\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return ics.calendar_response(body, "events.ics", attachment=False)

    @staticmethod
    def build(request):
        """The feed's body; ValidationError for invalid filters."""
        queryset = Event.objects.published().for_calendar()
        if not any(request.GET.get(key) for key in ("when", "start", "end")):
            since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
            queryset = queryset.filter(end_date__gte=since)
        filterset = EventFilter(
            request.GET, queryset=queryset, default_when=When.ALL, request=request
        )
        if not filterset.is_valid():
            raise ValidationError(
                [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]
            )
        events = filterset.qs
        if filterset.form.cleaned_data.get("when") == When.ALL:
            # A capped feed keeps the events nearest to today, not the latest-starting.
            events = events.nearest(FEED_LIMIT)
        return ics.build_feed(events, request, name=_("Events"), limit=FEED_LIMIT)
