"""The staff pages of two-step verification, under /admin/two-factor/, in the admin's
look. Each is wrapped in ``admin.site.admin_view`` (staff only, never cached)."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from portal.blocks.roles import requires_two_factor
from portal.two_factor import devices
from portal.two_factor.forms import EnrolForm, VerifyForm

# Recovery codes just made, shown once by RecoveryCodesView.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"


def next_url(request):
    """Where the person was going, if it is an address of this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def mark_verified(request, device):
    # A new session key as the session gains its second step, as a login does.
    request.session.cycle_key()
    otp_login(request, device)


class AdminPage:
    """The admin's header, language switch and titles; ``pending`` while the session
    still owes its second step (the page then offers nothing but logging out)."""

    title = None

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            "title": self.title,
            "pending": devices.pending_step(self.request.user) is not None,
            **super().get_context_data(**kwargs),
        }


class VerifyView(AdminPage, FormView):
    """The second step of signing in."""

    template_name = "admin/two_factor/verify.html"
    form_class = VerifyForm
    title = _("Two-step verification")

    def dispatch(self, request, *args, **kwargs):
        if devices.pending_step(request.user) != devices.VERIFY:
            return HttpResponseRedirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=next_url(self.request), **kwargs)

    def form_valid(self, form):
        mark_verified(self.request, form.device)
        if devices.verified_with_recovery_code(self.request):
            left = devices.recovery_codes_left(self.request.user)
            messages.warning(
                self.request,
                ngettext(
                    "You used a recovery code; %(count)d is left. If your phone is lost, "
                    "set up two-step verification on a new one now.",
                    "You used a recovery code; %(count)d are left. If your phone is lost, "
                    "set up two-step verification on a new one now.",
                    left,
                )
                % {"count": left},
            )
        return HttpResponseRedirect(next_url(self.request))


class SetupView(AdminPage, FormView):
    """Set up an authenticator app: its key as a QR code and as text, then a first code
    from it. Also moves a verified person to a new app."""

    template_name = "admin/two_factor/setup.html"
    form_class = EnrolForm
    title = _("Set up two-step verification")

    def dispatch(self, request, *args, **kwargs):
        # A session with a device but no code never gets here (the middleware sends it
        # to the code step); one without a device proves itself by a recent password.
        if not request.user.is_verified() and not devices.password_is_recent(request.session):
            logout(request)
            messages.info(request, _("To set up two-step verification, log in again."))
            query = urlencode({"next": reverse("two_factor:setup")})
            return HttpResponseRedirect(f"{reverse('admin:login')}?{query}")
        self.device = devices.enrolment_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            qr_code=devices.qr_code_svg(self.device, _("QR code of the key for your app")),
            secret=devices.secret_text(self.device),
            required=requires_two_factor(user),
            replacing=devices.has_two_factor(user),
            **kwargs,
        )

    def form_valid(self, form):
        codes = devices.finish_enrolment(self.device)
        mark_verified(self.request, self.device)
        devices.log_on_user(self.request.user, self.request.user, devices.SET_UP)
        self.request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(self.request, _("Two-step verification is on."))
        return HttpResponseRedirect(reverse("two_factor:recovery-codes"))


class RecoveryCodesView(AdminPage, TemplateView):
    """New recovery codes, shown once; a POST makes new ones."""

    template_name = "admin/two_factor/recovery_codes.html"
    title = _("Your recovery codes")

    def get(self, request, *args, **kwargs):
        codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
        if not codes:
            return HttpResponseRedirect(reverse("two_factor:overview"))
        return self.render_to_response(self.get_context_data(codes=codes))

    def post(self, request, *args, **kwargs):
        if not devices.has_two_factor(request.user):
            return HttpResponseRedirect(reverse("two_factor:setup"))
        request.session[NEW_CODES_SESSION_KEY] = devices.new_recovery_codes(request.user)
        devices.log_on_user(request.user, request.user, devices.NEW_CODES)
        return HttpResponseRedirect(request.path)


class OverviewView(AdminPage, TemplateView):
    """Whether two-step verification is on, and what the person can do about it."""

    template_name = "admin/two_factor/overview.html"
    title = _("Two-step verification")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            enabled=devices.has_two_factor(user),
            required=requires_two_factor(user),
            codes_left=devices.recovery_codes_left(user),
            **kwargs,
        )
