"""The site's URLs plus the benchmark's ceiling: a minimal Django template view served
by the same project, settings, middleware and gunicorn as the pages it is compared with.
The project itself has no such URL."""

from django.urls import path
from django.views.generic import TemplateView

from portal.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path(
        "bench-ceiling/",
        TemplateView.as_view(template_name="bench/ceiling.html"),
        name="bench-ceiling",
    ),
    *site_urlpatterns,
]
