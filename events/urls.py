from django.urls import path

from events import views

app_name = "events"

# ics/ comes before <slug:slug>/ so that the feed is never taken for an event's slug.
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("ics/", views.EventFeedView.as_view(), name="feed"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/ics/", views.EventIcsView.as_view(), name="ics"),
]
