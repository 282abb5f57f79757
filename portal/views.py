from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from cities.models import City, Milestone, Partnership
from cities.views import HomeCity
from events.models import Event, EventSeries
from institutions.models import Discipline, Institution
from portal import search
from portal.blocks import caching, text_search
from portal.blocks.caching import cached_page, links, listing
from portal.blocks.caching.schedule import NEW_DAY
from portal.blocks.pagination import KeysFirstPaginator, rows_in_range
from portal.blocks.publishing import PublishedDetailMixin
from portal.models import News, Page, SiteIdentity, SocialLink

HOME_NEWS_COUNT = 3
HOME_EVENTS_COUNT = 6
HOME_INSTITUTIONS_COUNT = 6


# The home page lists the home city's partners and journey, what is on now and next,
# the latest institutions and news; before a home city is chosen, it is titled with the
# site's name.
@cached_page(
    depends_on=[City, Partnership, Milestone, Event, Institution, News, SiteIdentity, NEW_DAY]
)
class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = HomeCity.read()
        # Link previews of the home page show the home city's picture (portal.seo).
        context["page_image_of"] = context["home"].city if context["home"] else None
        context["home_events"] = rows_in_range(
            Event.objects.published().now_and_next(), 0, HOME_EVENTS_COUNT
        )
        context["home_institutions"] = rows_in_range(
            Institution.objects.published().for_home(), 0, HOME_INSTITUTIONS_COUNT
        )
        context["home_news"] = rows_in_range(
            News.objects.published().for_listing(), 0, HOME_NEWS_COUNT
        )
        return context


@cached_page(params=["page"], depends_on=[listing(News)])
class NewsListView(ListView):
    template_name = "portal/news_list.html"
    paginate_by = 20
    paginator_class = KeysFirstPaginator

    def get_queryset(self):
        return News.objects.published().for_listing()


# The page lists its related cities and events (linked to it).
@cached_page(depends_on=[lambda view: [links(view.object)]])
class NewsDetailView(PublishedDetailMixin, DetailView):
    model = News
    template_name = "portal/news_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "cities", queryset=City.objects.published().only("slug", "name_ko", "name_en")
                ),
                Prefetch(
                    "events",
                    queryset=Event.objects.published().only("slug", "title_ko", "title_en"),
                ),
            )
        )


@cached_page()
class PageView(PublishedDetailMixin, DetailView):
    model = Page
    template_name = "portal/page.html"


# The office's details come from the site identity, read by its context processor
# (``portal.identity``).
@cached_page(depends_on=[SiteIdentity, SocialLink])
class ContactView(TemplateView):
    template_name = "portal/contact.html"


def choose_language(request):
    """The bare domain sends each visitor to the home page in their language (from the
    language cookie or Accept-Language; Korean otherwise), without rendering a page."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("portal:home"))
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def staff_site_elsewhere(request):
    """/admin/ on a worker that serves only the public site (settings.PORTAL_SERVES)."""
    return HttpResponse(
        _("The staff site is not served here. Ask the site's administrator for its address."),
        status=404,
        content_type="text/plain; charset=utf-8",
    )


@never_cache
def csrf_failure(request, reason=""):
    """A form that arrived without its security check (settings.CSRF_FAILURE_VIEW):
    cookies blocked for the site, or a page kept open across a sign-in elsewhere. Said
    in the page's language, with the way back to the form when it came from this site;
    Django's own page is in English and speaks of tokens."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return render(request, "403_csrf.html", {"back": back}, status=403)


@never_cache
def healthz(request):
    """For load balancers: 200 when this app server can reach its database, else 503.
    The cache is reported too, but a cache that is down only makes pages slower."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse(f"ok\ncache: {caching.health()}\n", content_type="text/plain")


# Every type's list and counts; the records shown are recorded on their own.
@cached_page(
    params=["q", "type", "page"],
    free_text=["q"],
    depends_on=[City, Institution, Discipline, Event, EventSeries, News, Page],
)
class SearchView(TemplateView):
    """The site search (``portal.search``): every type at once, or one (``type=``),
    a page at a time. Bad input is a message on the form, sent ``no-store``."""

    template_name = "portal/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = search.SearchForm(self.request.GET)
        context["form"] = form
        context["types"] = search.TYPES
        if not form.is_valid():
            return context
        text = form.cleaned_data["q"]
        context["q"] = text
        if not text:
            return context
        kind = search.BY_KEY.get(form.cleaned_data["type"])
        try:
            if kind is None:
                context["sections"] = search.every_type(text)
            else:
                page, sections = search.one_type(kind, text, self.request.GET.get("page"))
                context.update(kind=kind, page_obj=page, sections=sections)
        except text_search.TooSlow:
            context["too_slow"] = True
            return context
        context["capped"] = any(section.capped for section in context["sections"])
        context["total"] = sum(
            min(section.total, text_search.COUNT_CAP) for section in context["sections"]
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["form"].errors or context.get("too_slow"):
            add_never_cache_headers(response)
        return response
