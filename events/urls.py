from django.urls import path

from events import views

app_name = "events"

# ics/ and calendar/ come before <slug:slug>/ so that the feed is never taken for an event's slug.
urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("ics/", views.EventFeedView.as_view(), name="feed"),
    path("calendar/", views.CalendarTodayView.as_view(), name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.EventMonthView.as_view(), name="month"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("<slug:slug>/ics/", views.EventIcsView.as_view(), name="ics"),
]
