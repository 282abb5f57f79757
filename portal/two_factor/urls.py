"""Under /admin/two-factor/ (portal.urls), behind the admin's staff check."""

from django.contrib import admin
from django.urls import path

from portal.two_factor import views

app_name = "two_factor"


def staff_page(view):
    return admin.site.admin_view(view.as_view())


urlpatterns = [
    path("", staff_page(views.OverviewView), name="overview"),
    path("verify/", staff_page(views.VerifyView), name="verify"),
    path("setup/", staff_page(views.SetupView), name="setup"),
    path("recovery-codes/", staff_page(views.RecoveryCodesView), name="recovery-codes"),
]
