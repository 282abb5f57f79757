"""The open-data API's addresses, ``/api/v1/`` (its views: ``portal.api`` and the apps'
``api.py``). Each view is imported on its first request (``DeferredView``): a worker
that never answers the API never loads REST framework."""

from django.urls import path

from portal.blocks.deferred import DeferredView

app_name = "api"

urlpatterns = [
    path("", DeferredView("portal.api.RootView"), name="root"),
    path("cities/", DeferredView("cities.api.CityListView"), name="cities"),
    path("cities/<slug:id>/", DeferredView("cities.api.CityDetailView"), name="city"),
    path("partnerships/", DeferredView("cities.api.PartnershipListView"), name="partnerships"),
    path(
        "partnerships/<int:id>/",
        DeferredView("cities.api.PartnershipDetailView"),
        name="partnership",
    ),
    path(
        "institutions/", DeferredView("institutions.api.InstitutionListView"), name="institutions"
    ),
    path(
        "institutions/<slug:id>/",
        DeferredView("institutions.api.InstitutionDetailView"),
        name="institution",
    ),
    path("events/", DeferredView("events.api.EventListView"), name="events"),
    path("events/<slug:id>/", DeferredView("events.api.EventDetailView"), name="event"),
    path("news/", DeferredView("portal.api.NewsListView"), name="news"),
    path("news/<slug:id>/", DeferredView("portal.api.NewsDetailView"), name="news-item"),
    path("schema/", DeferredView("portal.api.SchemaView"), name="schema"),
    path("docs/", DeferredView("portal.api.DocsView"), name="docs"),
]
