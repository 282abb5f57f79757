"""The page behind a partner city's link: its profile to correct, in Korean and
English. Never cached (it holds a form with a CSRF token); refused with a clear page
for a link that is not valid, expired, withdrawn or for another city, or past the rate
limits (per link and per client address)."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from cities.correction_forms import ExchangeFormSet, ProfileCorrectionForm, new_submission_key
from cities.corrections import (
    AlreadyReceived,
    InvitationStep,
    LinkRefused,
    invitation_for,
    submit,
)
from portal.blocks.client_address import client_address
from portal.blocks.ratelimit import exceeded

# Requests (any) per link, and per client address, in a window; posts are also counted
# apart, fewer. A partner needs a handful; a script guessing or flooding gets a 429.
WINDOW_SECONDS = 3600
REQUESTS_PER_LINK = 120
REQUESTS_PER_ADDRESS = 120
POSTS_PER_LINK = 20
POSTS_PER_ADDRESS = 20
# "Opened" is written to the audit trail at most once in this long per link.
OPENED_EVERY = 6 * 3600


def _too_many(request):
    return render(
        request,
        "cities/profile_check_refused.html",
        {"message": _("Too many requests from here. Wait an hour and try again.")},
        status=429,
    )


@method_decorator([never_cache, csrf_protect], name="dispatch")
class ProfileCheckView(View):
    template_name = "cities/profile_check.html"

    def dispatch(self, request, slug, token):
        self.address = client_address(request)
        posting = request.method == "POST"
        if exceeded("profile-address", self.address, REQUESTS_PER_ADDRESS, WINDOW_SECONDS) or (
            posting and exceeded("profile-post-address", self.address, POSTS_PER_ADDRESS, 3600)
        ):
            return _too_many(request)
        try:
            self.invitation = invitation_for(token, slug)
        except LinkRefused as refused:
            return render(
                request,
                "cities/profile_check_refused.html",
                {"message": refused.message},
                status=refused.status,
            )
        link = str(self.invitation.pk)
        if exceeded("profile-link", link, REQUESTS_PER_LINK, WINDOW_SECONDS) or (
            posting and exceeded("profile-post-link", link, POSTS_PER_LINK, WINDOW_SECONDS)
        ):
            return _too_many(request)
        self.city = self.invitation.city
        return super().dispatch(request, slug, token)

    def get(self, request, slug, token):
        self._note_opened()
        form = ProfileCorrectionForm(city=self.city, initial={"submission": new_submission_key()})
        return self._page(request, form, ExchangeFormSet(prefix="exchange"))

    def post(self, request, slug, token):
        # A body far larger than any accepted image is refused before it is read.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.IMAGE_MAX_BYTES + 2 * 1024 * 1024:
            form = ProfileCorrectionForm(
                city=self.city, initial={"submission": new_submission_key()}
            )
            return self._page(
                request,
                form,
                ExchangeFormSet(prefix="exchange"),
                problem=_("What you sent is too large. An image may be at most %(limit)s MB.")
                % {"limit": settings.IMAGE_MAX_BYTES // 1_048_576},
                status=413,
            )
        form = ProfileCorrectionForm(request.POST, request.FILES, city=self.city)
        exchanges = ExchangeFormSet(request.POST, prefix="exchange")
        if form.is_valid() and exchanges.is_valid():
            records = [record for f in exchanges.forms if (record := f.exchange())]
            values = form.changes()
            image = form.cleaned_data.get("image")
            confirmed = form.cleaned_data["confirmed"]
            if values or image or records or confirmed:
                try:
                    submit(
                        self.invitation,
                        submission=form.cleaned_data["submission"],
                        values=values,
                        image=image or None,
                        exchanges=records,
                        confirmed=confirmed,
                        message=form.cleaned_data["message"].strip(),
                        address=self.address,
                    )
                except AlreadyReceived:
                    return HttpResponseRedirect(f"{request.path}?sent=again")
                return HttpResponseRedirect(f"{request.path}?sent=1")
            problem = _(
                "Nothing to send: correct a field, add an exchange, or tick the box that "
                "confirms the profile is right."
            )
        else:
            problem = _("Some answers need correcting: see the messages beside the fields.")
        return self._page(request, form, exchanges, problem=problem)

    def _note_opened(self):
        last = (
            self.invitation.events.filter(step=InvitationStep.OPENED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if last is None or (timezone.now() - last).total_seconds() > OPENED_EVERY:
            self.invitation.record(InvitationStep.OPENED, address=self.address)

    def _page(self, request, form, exchanges, problem=None, status=200):
        sent = request.GET.get("sent") if request.method == "GET" else None
        context = {
            "city": self.city,
            "invitation": self.invitation,
            "form": form,
            "exchanges": exchanges,
            "problem": problem,
            "sent": sent if sent in ("1", "again") else None,
            "proposals": list(
                self.invitation.proposals.only("invitation_id", "submitted_at", "state").order_by(
                    "-submitted_at"
                )[:10]
            ),
        }
        return render(request, self.template_name, context, status=status)
