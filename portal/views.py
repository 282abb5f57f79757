import functools

from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from cities.models import City
from cities.views import HomeCity
from events.models import Event
from institutions.models import Institution
from portal.models import News, Page
from portal.pagination import KeysFirstPaginator, first_rows
from portal.publishing import PublishedDetailMixin

HOME_NEWS_COUNT = 3
HOME_EVENTS_COUNT = 6
HOME_INSTITUTIONS_COUNT = 6


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The home city with its partners and journey, what is on now and next, the
        # latest institutions and news: functions the template calls only when it makes
        # the page's title or body, which are kept until content changes (the cards are
        # shared with the lists).
        context["home"] = functools.cache(HomeCity.read)
        context["home_events"] = functools.cache(lambda: first_rows(
            Event.objects.published().now_and_next(), HOME_EVENTS_COUNT))
        context["home_institutions"] = functools.cache(lambda: first_rows(
            Institution.objects.published().for_home(), HOME_INSTITUTIONS_COUNT))
        context["home_news"] = functools.cache(lambda: first_rows(
            News.objects.published().for_listing(), HOME_NEWS_COUNT))
        return context


class NewsListView(ListView):
    template_name = "portal/news_list.html"
    paginate_by = 20
    paginator_class = KeysFirstPaginator

    def get_paginator(self, *args, **kwargs):
        # The total and each page's keys remembered until content changes.
        return super().get_paginator(*args, count_key="news", **kwargs)

    def get_queryset(self):
        return News.objects.published().for_listing()


class NewsDetailView(PublishedDetailMixin, DetailView):
    model = News
    template_name = "portal/news_detail.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("cities", queryset=City.objects.published().only(
                "slug", "name_ko", "name_en")),
            Prefetch("events", queryset=Event.objects.published().only(
                "slug", "title_ko", "title_en")),
        )


class PageView(PublishedDetailMixin, DetailView):
    model = Page
    template_name = "portal/page.html"


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
        status=404, content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """For load balancers: 200 when this app server can reach its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
