"""Staff's side of a partner city's corrections: inviting the city (the link, sent by
e-mail and shown to copy), revoking a link, reading each step, and reviewing a proposal
field by field beside the profile."""

import datetime
import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.corrections import (
    Decision,
    InvitationEvent,
    InvitationStep,
    ProfileInvitation,
    ProfileProposal,
    ProposalState,
    decide,
    proposal_rows,
)
from portal.blocks.admin import CheckedAutocomplete
from portal.blocks.revisions import ReviewRefused, under_review
from portal.blocks.roles import can_publish

logger = logging.getLogger(__name__)

CHANGE_CITY = "cities.change_city"


def _may_edit_cities(request):
    return request.user.is_active and request.user.has_perm(CHANGE_CITY)


class CityStaffOnly:
    """Whoever may change cities (Editors, Publishers) invites and reviews; nobody
    deletes: the steps are the audit trail."""

    def has_view_permission(self, request, obj=None):
        return _may_edit_cities(request)

    def has_add_permission(self, request, *args):
        return _may_edit_cities(request)

    def has_change_permission(self, request, obj=None):
        return _may_edit_cities(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return _may_edit_cities(request)


class InvitationEventInline(CityStaffOnly, admin.TabularInline):
    model = InvitationEvent
    fk_name = "invitation"
    fields = ("at", "step", "user", "client_address", "proposal", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("step")
    verbose_name_plural = _("what happened (audit trail)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "proposal")


class InvitationForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("Link valid for (days)"),
        min_value=1,
        max_value=90,
        initial=30,
        help_text=_("The link stops working after this many days."),
    )
    send = forms.BooleanField(
        label=_("Send the link by e-mail now"),
        required=False,
        initial=True,
        help_text=_("Either way, the link is shown here for you to copy."),
    )

    class Meta:
        model = ProfileInvitation
        fields = ("city", "recipient_name", "recipient_email")


class InvitationChangeForm(forms.ModelForm):
    revoke = forms.BooleanField(
        label=_("Revoke this link"),
        required=False,
        help_text=_("The link stops working at once. This cannot be undone: invite again."),
    )

    class Meta:
        model = ProfileInvitation
        fields = ("expires_at",)


def send_invitation(request, invitation):
    """E-mail the link in both languages; whether it went. A failing mail server is a
    message to staff (who can copy the link), never an error page."""
    links = {lang: request.build_absolute_uri(invitation.path(lang)) for lang in ("ko", "en")}
    body = render_to_string(
        "cities/email/profile_invitation.txt", {"invitation": invitation, "links": links}
    )
    with translation.override("ko"):
        subject_ko = gettext("Please check your city's profile")
    with translation.override("en"):
        subject_en = gettext("Please check your city's profile")
    try:
        send_mail(
            f"{subject_ko} / {subject_en}",
            body,
            None,
            [invitation.recipient_email],
        )
    except Exception as error:  # any mail failure is reported, not raised
        logger.warning("Could not send the invitation %s: %s", invitation.pk, error)
        invitation.record(InvitationStep.NOT_SENT, user=request.user, note=str(error)[:300])
        return False
    invitation.record(InvitationStep.SENT, user=request.user, note=invitation.recipient_email)
    return True


class ProfileInvitationAdmin(CityStaffOnly, CheckedAutocomplete, admin.ModelAdmin):
    list_display = ("city", "recipient_name", "created_at", "expires_at", "state", "proposal_total")
    list_filter = ("created_at",)
    search_fields = ("city__name_ko", "city__name_en", "recipient_name", "recipient_email")
    list_select_related = ("city",)
    autocomplete_fields = ("city",)
    inlines = (InvitationEventInline,)
    actions = ["revoke_selected"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(proposal_total=Count("proposals"))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = InvitationChangeForm if obj is not None else InvitationForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("city", "recipient_name", "recipient_email", "days", "send")}),
            )
        return (
            (
                None,
                {
                    "fields": (
                        "city_name",
                        "recipient_name",
                        "recipient_email",
                        "created_at",
                        "created_by",
                        "state",
                        "links",
                        "expires_at",
                        "revoke",
                    )
                },
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "city_name",
            "recipient_name",
            "recipient_email",
            "created_at",
            "created_by",
            "state",
            "links",
        )

    @admin.display(description=_("city"))
    def city_name(self, obj):
        return obj.city

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.state

    @admin.display(description=_("proposals"), ordering="proposal_total")
    def proposal_total(self, obj):
        return obj.proposal_total

    @admin.display(description=_("link to send"))
    def links(self, obj):
        if obj.is_revoked or obj.is_expired:
            return gettext("The link no longer works.")
        request = self._request
        return format_html_join(
            "",
            '<p>{}: <a href="{}">{}</a></p>',
            (
                (label, url, url)
                for label, url in (
                    (gettext("Korean"), request.build_absolute_uri(obj.path("ko"))),
                    (gettext("English"), request.build_absolute_uri(obj.path("en"))),
                )
            ),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._request = request  # for the links, read-only fields have no request
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.expires_at = timezone.now() + datetime.timedelta(days=form.cleaned_data["days"])
            super().save_model(request, obj, form, change)
            obj.record(InvitationStep.INVITED, user=request.user, note=obj.recipient_email)
            sent = send_invitation(request, obj) if form.cleaned_data.get("send") else None
            link = request.build_absolute_uri(obj.path(translation.get_language() or "ko"))
            if sent is False:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext(
                            "The e-mail could not be sent. Copy this link and send it yourself:"
                        ),
                        link,
                        link,
                    ),
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext("The link was sent by e-mail. It is also here to copy:")
                        if sent
                        else gettext("Copy this link and send it to the city:"),
                        link,
                        link,
                    ),
                    messages.SUCCESS,
                )
            return
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("revoke"):
            obj.revoke(request.user)

    @admin.action(description=_("Revoke the selected links"))
    def revoke_selected(self, request, queryset):
        count = sum(invitation.revoke(request.user) for invitation in queryset)
        self.message_user(
            request,
            gettext("%(count)d link(s) revoked.") % {"count": count},
            messages.SUCCESS,
        )


class ProposalStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ProposalState.choices

    def queryset(self, request, queryset):
        if self.value() in ProposalState.values:
            return queryset.filter(state=self.value())
        return queryset


class ProposalReviewForm(forms.Form):
    accept = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept"].choices = [(key, key) for key in keys]


class ProfileProposalAdmin(CityStaffOnly, admin.ModelAdmin):
    list_display = ("city", "submitted_at", "state", "recipient", "reviewer")
    list_filter = (ProposalStateFilter,)
    search_fields = ("city__name_ko", "city__name_en")
    list_select_related = ("city", "invitation", "reviewer")
    date_hierarchy = "submitted_at"
    review_template = "admin/cities/profileproposal/review.html"

    def has_add_permission(self, request, *args):
        return False

    @admin.display(description=_("sent by"))
    def recipient(self, obj):
        return obj.invitation.recipient_name

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, proposal):
            raise PermissionDenied
        city = proposal.city
        rows = proposal_rows(proposal, city)
        for_publisher = under_review(city) and not can_publish(request.user)
        open_keys = [
            row["key"]
            for row in rows
            if row["decision"] is None and not (row.get("is_image") and for_publisher)
        ]
        form = ProposalReviewForm(
            request.POST if request.method == "POST" else None, keys=open_keys
        )
        if request.method == "POST":
            if not self.has_change_permission(request, proposal):
                raise PermissionDenied
            if form.is_valid() and "_decide" in request.POST:
                try:
                    decide(proposal, request.user, form.cleaned_data["accept"])
                except ReviewRefused as refused:
                    self.message_user(request, str(refused), messages.ERROR)
                    return HttpResponseRedirect(request.path)
                proposal.refresh_from_db()
                self.message_user(request, self._outcome(proposal), messages.SUCCESS)
                return HttpResponseRedirect(request.path)
            self.message_user(request, gettext("Nothing was decided."), messages.WARNING)
            return HttpResponseRedirect(request.path)
        labels = dict(Decision.choices)
        for row in rows:
            row["decision_label"] = labels.get(row["decision"], "")
            row["open"] = row["key"] in open_keys
            row["publisher_only"] = row["decision"] is None and row["key"] not in open_keys
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Review a correction proposed by a city"),
            "subtitle": str(city),
            "proposal": proposal,
            "city": city,
            "city_url": reverse("admin:cities_city_change", args=[city.pk]),
            "rows": rows,
            "open_keys": open_keys,
            "under_review": for_publisher,
            "can_decide": self.has_change_permission(request, proposal) and bool(open_keys),
            "revision_url": reverse("admin:portal_revision_change", args=[proposal.revision_id])
            if proposal.revision_id
            else None,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.review_template, context)

    def _outcome(self, proposal):
        if proposal.revision_id:
            return gettext(
                "Decided. The accepted changes wait for a Publisher's approval, as any "
                "change to a published city."
            )
        if proposal.state == ProposalState.PENDING:
            return gettext("Decided. A Publisher decides on the image of a published city.")
        if proposal.state == ProposalState.REJECTED:
            return gettext("Nothing was accepted: the profile stays as it was.")
        return gettext("Decided: the accepted changes are saved to the profile.")


admin.site.register(ProfileInvitation, ProfileInvitationAdmin)
admin.site.register(ProfileProposal, ProfileProposalAdmin)
