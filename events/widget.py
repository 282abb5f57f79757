"""The upcoming-events widget partner and institution sites put in an iframe, and the
page that gives them the code to copy.

The widget is the one page of the site any other site may frame: it sends no
X-Frame-Options and replaces the policy's ``frame-ancestors 'none'`` with ``*``; every
other page stays unframeable. It takes the events list's filters (``EventFilter``:
``?venue=<slug>`` for an institution's own events, ``?city=``, ``?kind=``, …) and
``count``, the number of events shown (``WIDGET_COUNT`` unless given, at most
``WIDGET_MAX``). Its links open the full site in a new tab. No script, and a stylesheet
of its own, so the site's Content-Security-Policy (no inline styles) holds in it too.
"""

from csp.decorators import csp_replace
from django.http import QueryDict
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from events.filters import EventFilter, When
from events.models import Event
from events.views import EVENT_LISTS
from portal.blocks.caching import cached_page

WIDGET_COUNT = 5
WIDGET_MAX = 20
# What the widget's address may carry: the events filters (not the page number) and
# how many to show.
WIDGET_PARAMS = [*(name for name in EventFilter.base_filters if name != "page"), "count"]
FREE_TEXT = ["q", "start", "end"]


def widget_count(value):
    """``count`` as a number between 1 and WIDGET_MAX; the default for anything else."""
    try:
        count = int(value)
    except (TypeError, ValueError):
        return WIDGET_COUNT
    return min(max(count, 1), WIDGET_MAX)


def widget_query(query):
    """The widget's own parameters of ``query``, in one order, empty ones left out."""
    kept = QueryDict(mutable=True)
    for name in WIDGET_PARAMS:
        value = query.get(name, "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
@cached_page(params=WIDGET_PARAMS, free_text=FREE_TEXT, depends_on=EVENT_LISTS)
class EventWidgetView(TemplateView):
    template_name = "events/widget.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = EventFilter(
            self.request.GET,
            queryset=Event.objects.published().for_listing(),
            default_when=When.UPCOMING,
            request=self.request,
        )
        valid = filterset.is_valid()
        count = widget_count(self.request.GET.get("count"))
        query = widget_query(self.request.GET)
        # The full list with the same filters (without ``count``).
        list_query = QueryDict(query, mutable=True)
        list_query.pop("count", None)
        context.update(
            filterset=filterset,
            events=list(filterset.qs[:count]) if valid else [],
            count=count,
            list_query=list_query.urlencode(),
            # Links open the full site, whatever site frames the widget.
            site_root=self.request.build_absolute_uri("/").rstrip("/"),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not context["filterset"].is_valid():
            add_never_cache_headers(response)
        return response


@cached_page(params=WIDGET_PARAMS, free_text=FREE_TEXT)
class EmbedHelpView(TemplateView):
    """How to put the widget on another site: the code to copy, for the filters given
    in the address (the events page links here with its own), and a preview."""

    template_name = "events/embed.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = widget_query(self.request.GET)
        path = reverse("events:widget") + (f"?{query}" if query else "")
        context["widget_path"] = path
        context["widget_url"] = self.request.build_absolute_uri(path)
        return context
