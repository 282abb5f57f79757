"""The alert pages. Only the subscription form is a public page; the others are reached
from a mail, by a signed link (events/alerts/links.py). None is kept by the page cache
(none is declared with ``@cached_page``) and all are ``no-store``: the form carries a
CSRF token (the only public page that sets the CSRF cookie), the others a private link.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.generic import FormView, TemplateView

from events.alerts import links, subscribing
from events.alerts.forms import PreferencesForm, SubscribeForm
from events.alerts.models import Subscription
from portal.blocks.client_address import client_address


def private(response):
    """No cache keeps it, no search engine lists it, and its address (which may hold a
    signed link) is sent to no other site. ("same-origin", not "no-referrer": without a
    referrer the browser sends ``Origin: null`` with the page's forms, which the CSRF
    check refuses.)"""
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@method_decorator(ensure_csrf_cookie, name="dispatch")
class SubscribeView(FormView):
    form_class = SubscribeForm
    template_name = "alerts/subscribe.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            # Prefilled from the events list's filters or an event page's link.
            query = self.request.GET
            kwargs["initial"] = {
                "kinds": query.getlist("kind"),
                "series": query.getlist("series"),
                "cities": query.getlist("city"),
            }
            kwargs["named_cities"] = query.getlist("city")
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        outcome = subscribing.request_alerts(
            email=data["email"],
            language=get_language(),
            kinds=data["kinds"],
            series=data["series"],
            cities=data["cities"],
            client=client_address(self.request),
            request=self.request,
        )
        if outcome is subscribing.Outcome.MAILED:
            return HttpResponseRedirect(reverse("alerts:sent"))
        if outcome is subscribing.Outcome.TOO_MANY:
            form.add_error(
                None, _("Too many requests came from your connection. Please try again tomorrow.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        form.add_error(
            None,
            _(
                "The confirmation e-mail could not be sent just now. Nothing was saved: "
                "please try again later."
            ),
        )
        return self.render_to_response(self.get_context_data(form=form))

    def render_to_response(self, context, **response_kwargs):
        return private(super().render_to_response(context, **response_kwargs))


class SentView(TemplateView):
    template_name = "alerts/sent.html"

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs))


class LinkView(View):
    """A page reached by a signed link from a mail."""

    purpose = None

    def dispatch(self, request, token):
        try:
            self.subscription = links.read_token(token, self.purpose)
        except links.ExpiredLink:
            return self.problem(
                _("This link has expired"),
                _("Confirmation links work for %(days)d days. Please subscribe again.")
                % {"days": settings.ALERTS_CONFIRM_MAX_AGE.days},
                status=410,
            )
        except links.InvalidLink:
            return self.problem(
                _("This link does not work"),
                _("Please open the link exactly as it is in the e-mail."),
                status=404,
            )
        return private(super().dispatch(request, token))

    def problem(self, title, text, status):
        context = {"title": title, "text": text, "subscribe_again": True}
        return private(render(self.request, "alerts/message.html", context, status=status))

    def message(self, title, text, **context):
        return render(
            self.request, "alerts/message.html", {"title": title, "text": text, **context}
        )


class ConfirmView(LinkView):
    """A button to confirm, not a confirmation on opening the link: mail scanners open
    links, and would otherwise confirm subscriptions their owners never asked for."""

    purpose = links.CONFIRM

    def get(self, request, token):
        if self.subscription is None:
            return self.gone()
        if self.subscription.is_confirmed:
            return self.confirmed()
        return render(request, "alerts/confirm.html", {"subscription": self.subscription})

    def post(self, request, token):
        if self.subscription is None:
            return self.gone()
        subscribing.confirm(self.subscription)
        return self.confirmed()

    def gone(self):
        return self.message(
            _("This subscription no longer exists"),
            _("It was cancelled, or not confirmed in time. You can subscribe again."),
            subscribe_again=True,
        )

    def confirmed(self):
        manage = reverse("alerts:manage", args=[links.make_token(self.subscription, links.MANAGE)])
        return self.message(
            _("You are subscribed"),
            _("You will receive an e-mail when new events are published that match your choices."),
            manage_url=manage,
        )


class ManageView(LinkView):
    purpose = links.MANAGE

    def get(self, request, token):
        if self.subscription is None:
            return self.gone()
        subscription = self.subscription
        form = PreferencesForm(
            initial={
                "language": subscription.language,
                "kinds": subscription.kinds,
                "series": list(subscription.series.all()),
                "cities": list(subscription.cities.all()),
            },
            named_cities=subscription.cities.values_list("slug", flat=True),
        )
        return self.page(form, saved="saved" in request.GET)

    def post(self, request, token):
        if self.subscription is None:
            return self.gone()
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        data = form.cleaned_data
        subscription = self.subscription
        with transaction.atomic():
            subscription.language = data["language"]
            subscription.kinds = data["kinds"]
            subscription.save(update_fields=["language", "kinds"])
            subscription.series.set(data["series"])
            subscription.cities.set(data["cities"])
        return HttpResponseRedirect(request.path + "?saved=1")

    def page(self, form, saved=False):
        unsubscribe = reverse(
            "alerts:unsubscribe", args=[links.make_token(self.subscription, links.UNSUBSCRIBE)]
        )
        context = {"form": form, "saved": saved, "unsubscribe_url": unsubscribe}
        return render(self.request, "alerts/manage.html", context)

    def gone(self):
        return self.message(
            _("This subscription no longer exists"),
            _("You receive no alerts at this address. You can subscribe again."),
            subscribe_again=True,
        )


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(LinkView):
    """One click (RFC 8058): a POST to the link unsubscribes, from the page's button or
    from the mail program (List-Unsubscribe-Post), without a CSRF token, which a mail
    program cannot have; the signed link is the proof. Opening the link (GET) only asks,
    since mail scanners open links. The address is deleted, not flagged."""

    purpose = links.UNSUBSCRIBE

    def get(self, request, token):
        if self.subscription is None:
            return self.done()
        return render(request, "alerts/unsubscribe.html", {"subscription": self.subscription})

    def post(self, request, token):
        if self.subscription is not None:
            Subscription.objects.filter(pk=self.subscription.pk).delete()
        return self.done()

    def done(self):
        return self.message(
            _("You are unsubscribed"),
            _("Your e-mail address has been deleted. You will receive no more alerts."),
            subscribe_again=True,
        )
