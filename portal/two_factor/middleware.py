from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from portal.two_factor.devices import pending_step


def _not_signed_in():
    user = AnonymousUser()
    # What django-otp's middleware gives every user.
    user.otp_device = None
    user.is_verified = lambda: False
    return user


def signed_in_user(user):
    """``user`` once both steps are done; anonymous while one is owed."""
    return _not_signed_in() if pending_step(user) else user


class TwoFactorMiddleware:
    """Holds a session that has given its password but still owes its second step.

    In the admin it may only reach the page of that step (give a code, or set up an
    app when its role requires one) and log out; any other admin address leads there.
    Everywhere else it counts as not signed in, so that no staff view outside the admin
    (previews of drafts on the public pages) lets a password alone through.
    Comes after django-otp's ``OTPMiddleware``, which says whether a device verified
    the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Public-only workers (settings.PORTAL_SERVES) serve no admin and no step pages.
        self.guards_admin = not settings.PUBLIC_ONLY

    def __call__(self, request):
        if self.guards_admin and request.path.startswith(reverse("admin:index")):
            response = self.hold(request)
            if response is not None:
                return response
        else:
            user = request.user
            request.user = SimpleLazyObject(lambda: signed_in_user(user))
        return self.get_response(request)

    def hold(self, request):
        step = pending_step(request.user)
        if step is None:
            return None
        step_url = reverse(f"two_factor:{step}")
        if request.path in (step_url, reverse("admin:logout")):
            return None
        # Back to where the person was going once the step is done.
        if request.path == reverse("admin:login"):
            after = request.GET.get("next")
        elif request.method == "GET":
            after = request.get_full_path()
        else:
            after = None
        query = f"?{urlencode({'next': after})}" if after else ""
        return HttpResponseRedirect(step_url + query)
