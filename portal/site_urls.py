"""Public pages under the language prefix (/ko/, /en/)."""

from django.urls import path

from portal import views
from portal.feeds import NewsFeed

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.NewsListView.as_view(), name="news-list"),
    path("news/feed/", NewsFeed(), name="news-feed"),
    path("news/<slug:slug>/", views.NewsDetailView.as_view(), name="news-detail"),
    path("pages/<slug:slug>/", views.PageView.as_view(), name="page"),
]
