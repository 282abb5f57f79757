from django.urls import path

from events import series_views, views

app_name = "events"

# ics/ and series/ come before <slug:slug>/ so that neither is taken for an event's slug
# (both are reserved: events.models.RESERVED_SLUGS).
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("ics/", views.EventFeedView.as_view(), name="feed"),
    path("series/<slug:slug>/", series_views.SeriesDetailView.as_view(), name="series"),
    path(
        "series/<slug:slug>/figures.csv",
        series_views.SeriesFiguresCsvView.as_view(),
        name="series-figures-csv",
    ),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/ics/", views.EventIcsView.as_view(), name="ics"),
]
