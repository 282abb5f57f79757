"""Subscriptions in the admin: what staff need to know (how many, in which language,
following what), never the addresses. A subscriber who cannot use the link in their mail
is found by typing their exact address into the search; it is not shown even then."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from events.alerts.models import DigestState, Subscription, normalise_email
from events.models import EventKind

# The task queue's own admin is for developers (its labels are English only); the
# digest command and the worker's log say how the tasks went.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Waiting for confirmation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.confirmed()
        if self.value() == "no":
            return queryset.pending()
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "language", "topics", "created_at", "last_digest_at"]
    list_filter = [ConfirmedFilter, "language"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["email"]
    search_help_text = _(
        "The exact e-mail address: finds its subscription (to delete it) without showing it."
    )
    fields = [
        "language",
        "kinds",
        "series",
        "cities",
        "created_at",
        "requested_at",
        "confirmed_at",
        "last_digest_at",
        "digests_sent",
    ]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("email")
            .prefetch_related("series", "cities")
            .annotate(digest_count=Count("digests", filter=Q(digests__state=DigestState.SENT)))
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(email=normalise_email(term)), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"), boolean=False)
    def state(self, subscription):
        return _("Confirmed") if subscription.is_confirmed else _("Waiting for confirmation")

    @admin.display(description=_("following"))
    def topics(self, subscription):
        labels = dict(EventKind.choices)
        parts = [str(labels.get(kind, kind)) for kind in subscription.kinds]
        parts += [str(series) for series in subscription.series.all()]
        parts += [str(city) for city in subscription.cities.all()]
        return ", ".join(parts) or _("every new event")

    @admin.display(description=_("digests sent"))
    def digests_sent(self, subscription):
        return subscription.digest_count
