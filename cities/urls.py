from django.urls import path

from cities import views

app_name = "cities"

urlpatterns = [
    path("", views.CityListView.as_view(), name="list"),
    path("map.geojson", views.CityMapView.as_view(), name="map"),
    path("<slug:slug>/", views.CityDetailView.as_view(), name="detail"),
]
