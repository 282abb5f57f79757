"""Public pages under the language prefix (/ko/, /en/)."""

from django.urls import path

from portal import document_views, views
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
    path("documents/", document_views.DocumentListView.as_view(), name="document-list"),
    path(
        "documents/<slug:slug>/file/",
        document_views.DocumentFileView.as_view(),
        name="document-file",
    ),
]
