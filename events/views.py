import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from events import ics
from events.filters import EventFilter, When
from events.models import Event
from events.schema import event_json_ld
from institutions.models import Institution
from portal.blocks.caching import cached_page, links
from portal.blocks.caching.schedule import NEW_DAY
from portal.blocks.listing import FilteredListView, FirstRows
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


@cached_page(params=[EventFilter, "page"], free_text=["q", "start", "end"], depends_on=EVENT_LISTS)
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
        return context


# The page lists its programme (events pointing at it) and the other editions of its
# series (events pointing at the series).
@cached_page(depends_on=[lambda view: [links(view.object), links(view.object.series)]])
class EventDetailView(PublishedDetailMixin, DetailView):
    model = Event
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("venue", "city", "series", "parent")

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
                Event.objects.published()
                .filter(parent=event)
                .for_listing()
                .order_by("start_date", "starts_at", "pk"),
                DETAIL_LIST_LIMIT,
            ),
            other_editions=FirstRows(editions, DETAIL_LIST_LIMIT),
            # By the relation's name: the document library is the site shell's.
            documents=FirstRows(event.documents.published().for_event_page(), DETAIL_LIST_LIMIT),
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
