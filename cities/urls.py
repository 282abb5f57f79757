from django.urls import path

from cities import correction_views, views

app_name = "cities"

urlpatterns = [
    path("", views.CityListView.as_view(), name="list"),
    path("map.geojson", views.CityMapView.as_view(), name="map"),
    path("<slug:slug>/", views.CityDetailView.as_view(), name="detail"),
    # A partner city's link to check and correct its own profile (not cached).
    path(
        "<slug:slug>/check/<str:token>/",
        correction_views.ProfileCheckView.as_view(),
        name="check-profile",
    ),
]
