from django.urls import path

from events import series_views, views, widget

app_name = "events"

# ics/, calendar/, widget/, embed/ and series/ come before <slug:slug>/ so that they are
# never taken for an event's slug (events.models.RESERVED_SLUGS).
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("ics/", views.EventFeedView.as_view(), name="feed"),
    path("calendar/", views.CalendarTodayView.as_view(), name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.EventMonthView.as_view(), name="month"),
    path("widget/", widget.EventWidgetView.as_view(), name="widget"),
    path("embed/", widget.EmbedHelpView.as_view(), name="embed"),
    path("series/<slug:slug>/", series_views.SeriesDetailView.as_view(), name="series"),
    path(
        "series/<slug:slug>/figures.csv",
        series_views.SeriesFiguresCsvView.as_view(),
        name="series-figures-csv",
    ),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/ics/", views.EventIcsView.as_view(), name="ics"),
]
