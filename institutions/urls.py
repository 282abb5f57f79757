from django.urls import path

from institutions import views

app_name = "institutions"

urlpatterns = [
    path("", views.InstitutionListView.as_view(), name="list"),
    path("map.geojson", views.InstitutionMapView.as_view(), name="map"),
    path("cities.json", views.CitySuggestionsView.as_view(), name="city-suggestions"),
    path("<slug:slug>/", views.InstitutionDetailView.as_view(), name="detail"),
]
