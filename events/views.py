import datetime
import functools
import hashlib

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView

from events import ics
from events.filters import EventFilter, When
from events.models import Event
from events.schema import event_json_ld
from portal.cache import remember
from portal.listing import FilteredListView, FirstRows
from portal.publishing import PublishedDetailMixin

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


class EventListView(FilteredListView):
    filterset_class = EventFilter
    template_name = "events/event_list.html"
    results_template_name = "events/_results.html"

    def get_queryset(self):
        return Event.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["when"] = self.filterset.form.data.get("when", When.UPCOMING)
        return context

    def get_page_context(self, **kwargs):
        # Outside the remembered results: the webcal address names the host asked for.
        query = feed_query_string(self.request)
        feed_path = reverse("events:feed") + (f"?{query}" if query else "")
        feed_url = self.request.build_absolute_uri(feed_path)
        return super().get_page_context(
            feed_path=feed_path, webcal_url="webcal://" + feed_url.split("://", 1)[1],
            **kwargs)


class EventDetailView(PublishedDetailMixin, DetailView):
    """The event's row, with its venue, city, series and parent, is remembered for the
    public until content changes (``PublishedDetailMixin``); the page's head and body
    are fragments kept as long, and what only they show is read, once, when one is
    made: each value below is a function that the template calls then."""

    model = Event
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("venue", "city", "series", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object

        @functools.cache
        def organisers():
            return list(event.organisers.published().only(
                "pk", "slug", "name", "name_ko", "name_en", "status", "publish_at",
            ).order_by("slug"))

        @functools.cache
        def programme():
            return FirstRows(
                Event.objects.published().filter(parent=event).for_listing()
                .order_by("start_date", "starts_at", "pk"), DETAIL_LIST_LIMIT)

        @functools.cache
        def other_editions():
            series = event.series
            editions = (
                Event.objects.published().filter(series=series).exclude(pk=event.pk).only(
                    "pk", "slug", "title", "title_ko", "title_en", "edition", "start_date",
                    "end_date", "all_day", "starts_at", "ends_at", "event_status",
                ).order_by("-end_date", "-pk")
                if series and series.is_live else Event.objects.none())
            return FirstRows(editions, DETAIL_LIST_LIMIT)

        context.update(
            organisers=organisers, programme=programme, other_editions=other_editions,
            json_ld=lambda: event_json_ld(event, self.request, organisers=organisers()),
        )
        return context


@method_decorator(cache_control(public=True, max_age=900), name="dispatch")
class EventIcsView(View):
    """One event as an .ics file to open in a calendar app."""

    def get(self, request, slug):
        event = get_object_or_404(
            Event.objects.published().select_related("venue", "city"), slug=slug)
        body = ics.build_calendar([event], request, name=event.title)
        return ics.calendar_response(body, f"{event.slug}.ics")


@method_decorator(cache_control(public=True, max_age=900), name="dispatch")
class EventFeedView(View):
    """The calendar to subscribe to: the list page's filters apply; without ``when`` it
    includes past events too, so a subscriber's calendar keeps what already happened."""

    def get(self, request):
        # Kept per address (host included: the events carry absolute links) until
        # content changes: a repeated request builds no filter and reads nothing.
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        try:
            body = remember(f"feed:{address}", lambda: self.build(request))
        except ValidationError as error:
            return HttpResponse(
                "\n".join([_("The calendar filters are not valid:"), *error.messages]) + "\n",
                status=400, content_type="text/plain; charset=utf-8")
        return ics.calendar_response(body, "events.ics", attachment=False)

    @staticmethod
    def build(request):
        """The feed's body; ValidationError (never remembered) for invalid filters."""
        queryset = Event.objects.published().for_listing()
        if not any(request.GET.get(key) for key in ("when", "start", "end")):
            since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
            queryset = queryset.filter(end_date__gte=since)
        filterset = EventFilter(request.GET, queryset=queryset, default_when=When.ALL,
                                request=request)
        if not filterset.is_valid():
            raise ValidationError([f"{name}: {' '.join(errors)}"
                                   for name, errors in filterset.errors.items()])
        events = filterset.qs
        if filterset.form.cleaned_data.get("when") == When.ALL:
            # A capped feed keeps the events nearest to today, not the latest-starting.
            events = events.nearest_first()
        return ics.build_feed(events, request, name=_("Events"), limit=FEED_LIMIT)
