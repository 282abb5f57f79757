from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from portal import sitemaps, views

urlpatterns = [
    path("", views.choose_language, name="choose-language"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", sitemaps.robots, name="robots"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    # Outside i18n_patterns: the admin has no language prefix; staff choose its language
    # here (a cookie), and the public pages keep theirs in the URL.
    path("i18n/", include("django.conf.urls.i18n")),
    # The open-data API: one address for every language (each record carries both).
    path("api/v1/", include("portal.api_urls")),
]

if settings.PUBLIC_ONLY:
    # Public-only workers (settings.PORTAL_SERVES): the footer's staff link still
    # resolves, and /admin/ says where the staff site is instead of an empty admin.
    urlpatterns.append(
        path("admin/", include(([path("", views.staff_site_elsewhere, name="index")], "admin")))
    )
else:
    from portal.admin import deleted_records_view

    urlpatterns += [
        # Before the admin's own URLs, in its URL space and behind its login; one view
        # for every content model (portal.admin.deleted_records_view).
        path(
            "admin/deleted/<str:app_label>/<str:model_name>/",
            admin.site.admin_view(deleted_records_view),
            name="admin-deleted-records",
        ),
        # Two-step verification: its pages carry the admin's look and staff check.
        path("admin/two-factor/", include("portal.two_factor.urls")),
        path("admin/", admin.site.urls),
    ]

urlpatterns += i18n_patterns(
    path("", include("portal.site_urls")),
    path("cities/", include("cities.urls")),
    path("institutions/", include("institutions.urls")),
    path("events/", include("events.urls")),
    path("alerts/", include("events.alerts.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
