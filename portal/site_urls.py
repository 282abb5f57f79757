"""Public pages under the language prefix (/ko/, /en/)."""

from django.urls import path

from portal import document_views, opendata, views
from portal.blocks.caching import cached_page
from portal.feeds import NewsFeed
from portal.models import News

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.NewsListView.as_view(), name="news-list"),
    path("news/feed/", cached_page(depends_on=[News])(NewsFeed()), name="news-feed"),
    path("news/<slug:slug>/", views.NewsDetailView.as_view(), name="news-detail"),
    path("pages/<slug:slug>/", views.PageView.as_view(), name="page"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("open-data/", opendata.OpenDataView.as_view(), name="open-data"),
    path("open-data/events.csv", opendata.events_csv, name="open-data-events-csv"),
    path("open-data/events.json", opendata.events_json, name="open-data-events-json"),
    path(
        "open-data/institutions.csv",
        opendata.institutions_csv,
        name="open-data-institutions-csv",
    ),
    path("open-data/cities.csv", opendata.cities_csv, name="open-data-cities-csv"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("documents/", document_views.DocumentListView.as_view(), name="document-list"),
    path(
        "documents/cities.json",
        document_views.DocumentCitySuggestionsView.as_view(),
        name="document-city-suggestions",
    ),
    path(
        "documents/<slug:slug>/file/",
        document_views.DocumentFileView.as_view(),
        name="document-file",
    ),
]
