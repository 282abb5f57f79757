"""The records of a partner city's corrections to its own profile: the invitation
(its link), each step of it, and what the city proposed. What they do is in
``cities.corrections``; here only what is stored, so that ``cities.models`` can load
them without importing it back."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.blocks.images import SafeImageField
from portal.blocks.revisions import Revision

SALT = "cities.profile-invitation"
INVITATION_DAYS = 30
LANGUAGES = ("ko", "en")

# The profile's fields a city may correct (Korean and English columns of the texts);
# the image comes on its own (``IMAGE``), with its description.
TEXT_FIELDS = ("summary", "description", "website", "focal_point", "contact_email", "image_alt")
TRANSLATED = ("summary", "description", "focal_point", "image_alt")
PROPOSABLE = tuple(
    column
    for name in TEXT_FIELDS
    for column in ((f"{name}_{lang}" for lang in LANGUAGES) if name in TRANSLATED else (name,))
)
IMAGE = "image"
CONFIRMED = "confirmed"
EXCHANGE = "exchange-"


# What a city may record of its exchanges with the home city.
def _new_key():
    return secrets.token_urlsafe(18)


def _default_expiry():
    return timezone.now() + datetime.timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ProfileInvitation(models.Model):
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.CASCADE,
        related_name="profile_invitations",
        verbose_name=_("city"),
    )
    recipient_name = models.CharField(
        _("recipient's name"),
        max_length=120,
        help_text=_("The person or office at the city who receives the link."),
    )
    recipient_email = models.EmailField(_("recipient's e-mail"))
    key = models.CharField(max_length=40, default=_new_key, editable=False)
    created_at = models.DateTimeField(_("invited"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("invited by"),
    )
    expires_at = models.DateTimeField(
        _("link valid until"),
        default=_default_expiry,
        help_text=_("After this the link opens nothing. Change it to extend or shorten it."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Kept by the code, decided through cities.change_city: no permissions of their own.
        default_permissions = ()
        verbose_name = _("invitation to check a profile")
        verbose_name_plural = _("invitations to check a profile")

    def __str__(self):
        return gettext("%(city)s, for %(name)s") % {"city": self.city, "name": self.recipient_name}

    def token(self):
        return signing.Signer(salt=SALT).sign(f"{self.pk}.{self.key}")

    def path(self, language):
        with translation.override(language):
            return reverse(
                "cities:check-profile", kwargs={"slug": self.city.slug, "token": self.token()}
            )

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def state(self):
        if self.is_revoked:
            return gettext("Revoked")
        if self.is_expired:
            return gettext("Expired")
        return gettext("Active")

    def record(self, step, *, user=None, address="", proposal=None, note=""):
        return InvitationEvent.objects.create(
            invitation=self,
            step=step,
            user=user if user is not None and user.is_authenticated else None,
            client_address=address or "",
            proposal=proposal,
            note=note[:300],
        )

    def revoke(self, user):
        """Withdraw the link (once); returns whether it was still usable."""
        with transaction.atomic():
            changed = ProfileInvitation.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_by=user
            )
            if changed:
                self.refresh_from_db(fields=["revoked_at", "revoked_by"])
                self.record(InvitationStep.REVOKED, user=user)
        return bool(changed)


class InvitationStep(models.TextChoices):
    INVITED = "invited", _("Invited")
    SENT = "sent", _("Link sent by e-mail")
    NOT_SENT = "not_sent", _("The e-mail could not be sent")
    OPENED = "opened", _("Link opened")
    PROPOSED = "proposed", _("Corrections proposed")
    ACCEPTED = "accepted", _("Proposal accepted")
    PARTLY = "partly", _("Proposal partly accepted")
    REJECTED = "rejected", _("Proposal rejected")
    REVOKED = "revoked", _("Link revoked")


class InvitationEvent(models.Model):
    """One step of an invitation, for the audit trail."""

    invitation = models.ForeignKey(
        ProfileInvitation,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("invitation"),
    )
    proposal = models.ForeignKey(
        "cities.ProfileProposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposal"),
    )
    step = models.CharField(_("step"), max_length=10, choices=InvitationStep.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    client_address = models.CharField(_("client address"), max_length=45, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        # Kept by the code, decided through cities.change_city: no permissions of their own.
        default_permissions = ()
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.get_step_display()


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    WAITING = "waiting", _("Accepted, waiting for a Publisher's approval")
    REJECTED = "rejected", _("Not accepted")


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ProposalState.PENDING)


class ProfileProposal(models.Model):
    invitation = models.ForeignKey(
        ProfileInvitation,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("invitation"),
    )
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.CASCADE,
        related_name="profile_proposals",
        verbose_name=_("city"),
    )
    # The form's own key: the same form posted twice is one proposal.
    submission = models.CharField(max_length=64, editable=False)
    values = models.JSONField(
        _("proposed values"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    image = SafeImageField(
        _("proposed image"), blank=True, width_field="image_width", height_field="image_height"
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    exchanges = models.JSONField(
        _("new exchange records"), default=list, blank=True, encoder=DjangoJSONEncoder
    )
    confirmed = models.BooleanField(_("the city confirms the profile"), default=False)
    message = models.TextField(_("message to the office"), blank=True)
    submitted_at = models.DateTimeField(_("proposed"), default=timezone.now, db_index=True)
    base_version = models.CharField(max_length=40, blank=True, editable=False)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ProposalState.choices,
        default=ProposalState.PENDING,
        db_index=True,
    )
    decisions = models.JSONField(default=dict, blank=True, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change waiting for a Publisher"),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        # Kept by the code, decided through cities.change_city: no permissions of their own.
        default_permissions = ()
        verbose_name = _("correction proposed by a city")
        verbose_name_plural = _("corrections proposed by cities")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "submission"], name="one_proposal_per_form"
            )
        ]

    def __str__(self):
        return gettext("%(city)s, proposed on %(date)s") % {
            "city": self.city,
            "date": date_format(timezone.localtime(self.submitted_at), "SHORT_DATE_FORMAT"),
        }

    @property
    def confirmed_on(self):
        return timezone.localtime(self.submitted_at).date()
