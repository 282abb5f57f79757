"""Staff accounts in the admin: who has two-step verification, and the superusers'
action that resets it (a lost phone)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.two_factor import devices

User = get_user_model()

# Devices are managed through people (set up on their own page, reset by the action
# below): django-otp's own device admins would show each key to every superuser.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class TwoFactorFilter(admin.SimpleListFilter):
    title = _("two-step verification")
    parameter_name = "two_factor"

    def lookups(self, request, model_admin):
        return (("on", _("On")), ("off", _("Off")))

    def queryset(self, request, queryset):
        if self.value() in ("on", "off"):
            return queryset.filter(two_factor=self.value() == "on")
        return queryset


class StaffUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "has_two_factor")
    list_filter = (*UserAdmin.list_filter, TwoFactorFilter)
    actions = ("reset_two_factor",)

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(two_factor=Exists(app))

    @admin.display(description=_("two-step verification"), boolean=True, ordering="two_factor")
    def has_two_factor(self, user):
        return user.two_factor

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser

    @admin.action(
        description=_("Reset two-step verification (lost phone)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            devices.reset(user)
            devices.log_on_user(request.user, user, devices.RESET)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-step verification reset for %(count)d person: no code is asked until "
                "it is set up again, which Publishers and superusers must do at their "
                "next login.",
                "Two-step verification reset for %(count)d people: no code is asked until "
                "it is set up again, which Publishers and superusers must do at their "
                "next login.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
