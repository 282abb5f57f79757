"""A partner city checks and corrects its own profile.

Staff invite the city's focal point (``ProfileInvitation``): a link that needs no
account, signed, for that city alone, expiring (``INVITATION_DAYS``) and revocable.
Behind it the city proposes corrections to its profile and new exchange records
(``ProfileProposal``, kept by ``submit``). A proposal never changes the site by itself:
an Editor reads it beside the profile, field by field, and accepts some, all or none
(``decide``). Accepted values go through the normal workflow: saved with the city, its
edit history saying "Correction proposed by <city> on <date>"; on a published city an
Editor's acceptance becomes a pending revision a Publisher approves
(``portal.blocks.revisions``), as the Editor's own edit would; new exchanges become
draft partnerships. Every step is an ``InvitationEvent``, listed with the invitation in
the admin.

The link (``docs/decisions.md``): ``<invitation id>.<random key>`` signed with the
site's secret key. A link changed by one character is refused before any query; the
random key, stored with the invitation, makes a forged id useless even to someone who
knows the secret's output for another link; expiry and revocation are read from the
invitation, so staff can shorten, extend or withdraw a link that was sent.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.models import City, Partnership, PartnershipKind
from portal.blocks.images import SafeImageField
from portal.blocks.publishing import PublicationStatus
from portal.blocks.revisions import ReviewRefused, Revision, under_review, version_of
from portal.blocks.roles import can_publish

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
EXCHANGE_KINDS = (
    PartnershipKind.EXCHANGE_VISIT,
    PartnershipKind.MOU,
    PartnershipKind.SISTER_CITY,
    PartnershipKind.JOINT_PROJECT,
)


def _new_key():
    return secrets.token_urlsafe(18)


def _default_expiry():
    return timezone.now() + datetime.timedelta(days=INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ProfileInvitation(models.Model):
    city = models.ForeignKey(
        City,
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


class LinkRefused(Exception):
    """A link that opens nothing: ``status`` and a message for the person who has it."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def invitation_for(token, slug):
    """The usable invitation ``token`` stands for, on the profile of the city ``slug``;
    ``LinkRefused`` otherwise."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise LinkRefused(
            404,
            _(
                "This link is not valid. Check that it was copied whole, or ask the "
                "office for a new one."
            ),
        ) from None
    pk, _dot, key = value.partition(".")
    invitation = (
        ProfileInvitation.objects.select_related("city").filter(pk=int(pk)).first()
        if pk.isdigit()
        else None
    )
    if invitation is None or not constant_time_compare(invitation.key, key):
        raise LinkRefused(404, _("This link is not valid. Ask the office for a new one."))
    if invitation.city.slug != slug:
        raise LinkRefused(404, _("This link is for another city's profile."))
    if invitation.is_revoked:
        raise LinkRefused(
            410, _("This link has been withdrawn by the office. Ask it for a new one if needed.")
        )
    if invitation.is_expired:
        raise LinkRefused(410, _("This link has expired. Ask the office for a new one."))
    return invitation


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
        City, on_delete=models.CASCADE, related_name="profile_proposals", verbose_name=_("city")
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

    def rows(self, city):
        """What the proposal asks, one row a decision: a field, the image, each new
        exchange, the confirmation. Each row: key, label, current, proposed, decision."""
        rows = []
        for column in PROPOSABLE:
            if column not in self.values:
                continue
            rows.append(
                {
                    "key": column,
                    "label": field_label(column),
                    "current": getattr(city, column) or "",
                    "proposed": self.values[column],
                    "decision": self.decisions.get(column),
                }
            )
        if self.image:
            rows.append(
                {
                    "key": IMAGE,
                    "label": gettext("Image"),
                    "current": city.image,
                    "proposed": self.image,
                    "is_image": True,
                    "decision": self.decisions.get(IMAGE),
                }
            )
        for number, exchange in enumerate(self.exchanges):
            key = f"{EXCHANGE}{number}"
            rows.append(
                {
                    "key": key,
                    "label": gettext("New exchange record"),
                    "current": "",
                    "proposed": describe_exchange(exchange),
                    "decision": self.decisions.get(key),
                }
            )
        if self.confirmed:
            rows.append(
                {
                    "key": CONFIRMED,
                    "label": gettext("Confirmation"),
                    "current": date_format(city.confirmed_by_city, "DATE_FORMAT")
                    if city.confirmed_by_city
                    else "",
                    "proposed": gettext("The city confirms that its profile is right."),
                    "decision": self.decisions.get(CONFIRMED),
                }
            )
        return rows

    @property
    def confirmed_on(self):
        return timezone.localtime(self.submitted_at).date()


def field_label(column):
    """ "Description (Korean)" for description_ko; the field's name for the others."""
    base, _sep, lang = column.rpartition("_")
    if base in TRANSLATED and lang in LANGUAGES:
        name = str(City._meta.get_field(base).verbose_name)
        language = gettext("Korean") if lang == "ko" else gettext("English")
        return gettext("%(field)s (%(language)s)") % {"field": name, "language": language}
    return str(City._meta.get_field(column).verbose_name)


def describe_exchange(exchange):
    kind = dict(PartnershipKind.choices).get(exchange.get("kind"), exchange.get("kind"))
    titles = " / ".join(t for t in (exchange.get("title_ko"), exchange.get("title_en")) if t)
    parts = [str(kind), exchange.get("date") or "", titles]
    if exchange.get("link"):
        parts.append(exchange["link"])
    return " · ".join(part for part in parts if part)


def correction_reason(proposal):
    """What the edit history records for a change accepted from ``proposal``."""
    return gettext("Correction proposed by %(city)s on %(date)s") % {
        "city": proposal.city,
        "date": date_format(proposal.confirmed_on, "DATE_FORMAT"),
    }


class AlreadyReceived(Exception):
    """The form was posted before: ``proposal`` is what it made."""

    def __init__(self, proposal):
        super().__init__()
        self.proposal = proposal


def submit(invitation, *, submission, values, image, exchanges, confirmed, message, address):
    """Keep what the city sent as a pending proposal (the image goes through the image
    pipeline as it is saved); ``AlreadyReceived`` if this form was sent before."""
    earlier = invitation.proposals.filter(submission=submission).first()
    if earlier is not None:
        raise AlreadyReceived(earlier)
    city = invitation.city
    proposal = ProfileProposal(
        invitation=invitation,
        city=city,
        submission=submission,
        values=values,
        exchanges=exchanges,
        confirmed=confirmed,
        message=message,
        base_version=version_of(city),
    )
    if image is not None:
        proposal.image = image
    try:
        with transaction.atomic():
            proposal.save()
            invitation.record(InvitationStep.PROPOSED, address=address, proposal=proposal)
    except IntegrityError:
        # The same form, posted twice at once: the other request made the proposal.
        earlier = invitation.proposals.filter(submission=submission).first()
        if earlier is None:
            raise
        raise AlreadyReceived(earlier) from None
    return proposal


def _revision_values(changes):
    return {name: None if value is None else str(value) for name, value in changes.items()}


def decide(proposal, reviewer, accepted):
    """Decide the open rows of ``proposal``: the keys in ``accepted`` are applied, the
    others not. On a published city, an Editor's accepted values become one pending
    revision for a Publisher; the image of a published city is left for a Publisher
    to decide (as in the admin, an Editor does not change it). Returns the proposal;
    ``ReviewRefused`` (nothing written) when it cannot be applied."""
    with transaction.atomic():
        proposal = ProfileProposal.objects.select_for_update().get(pk=proposal.pk)
        city = City.objects.select_for_update().get(pk=proposal.city_id)
        open_rows = [row for row in proposal.rows(city) if row["decision"] is None]
        if not open_rows:
            raise ReviewRefused(gettext("This proposal has already been decided."))
        for_publisher = under_review(city) and not can_publish(reviewer)
        keys = {row["key"] for row in open_rows}
        accepted = set(accepted) & keys
        if IMAGE in accepted:
            # The image comes with its description.
            accepted |= {column for column in keys if column.startswith("image_alt_")}
        deciding = {key for key in keys if not (key == IMAGE and for_publisher)}
        if not deciding:
            raise ReviewRefused(gettext("A Publisher decides on the image of a published city."))
        decisions = {
            key: Decision.ACCEPTED if key in accepted else Decision.REJECTED for key in deciding
        }
        changes = {column: proposal.values[column] for column in PROPOSABLE if column in accepted}
        if any(decisions[key] == Decision.ACCEPTED for key in decisions):
            changes["confirmed_by_city"] = proposal.confirmed_on
        exchanges = [
            proposal.exchanges[int(key.removeprefix(EXCHANGE))]
            for key in sorted(accepted & deciding)
            if key.startswith(EXCHANGE)
        ]
        reason = correction_reason(proposal)
        if changes and for_publisher:
            revision = Revision.objects.create(
                content_type=ContentType.objects.get_for_model(City),
                object_id=city.pk,
                values=_revision_values(changes),
                author=reviewer,
                base_version=version_of(city),
                reason=reason,
            )
            proposal.revision = revision
            for key in decisions:
                if decisions[key] == Decision.ACCEPTED and not key.startswith(EXCHANGE):
                    decisions[key] = Decision.WAITING
        elif changes or (IMAGE in accepted and IMAGE in deciding):
            _apply(city, proposal, changes, IMAGE in accepted and IMAGE in deciding, reviewer)
        if exchanges:
            _add_exchanges(city, exchanges, reviewer, reason)
        proposal.decisions = {**proposal.decisions, **decisions}
        proposal.state = _state(proposal)
        proposal.reviewer = reviewer
        proposal.reviewed_at = timezone.now()
        proposal.save(update_fields=["decisions", "state", "reviewer", "reviewed_at", "revision"])
        step = {
            ProposalState.ACCEPTED: InvitationStep.ACCEPTED,
            ProposalState.REJECTED: InvitationStep.REJECTED,
        }.get(proposal.state, InvitationStep.PARTLY)
        taken = sorted(key for key, value in decisions.items() if value != Decision.REJECTED)
        proposal.invitation.record(
            step,
            user=reviewer,
            proposal=proposal,
            note=gettext("Accepted: %(fields)s") % {"fields": ", ".join(taken)}
            if taken
            else gettext("Nothing accepted"),
        )
    return proposal


def _apply(city, proposal, changes, with_image, reviewer):
    for column, value in changes.items():
        setattr(city, column, value)
    if with_image:
        proposal.image.open("rb")
        try:
            content = ContentFile(proposal.image.read(), name=proposal.image.name)
        finally:
            proposal.image.close()
        try:
            city.image.save(content.name, content, save=False)
        except ValidationError as error:
            raise ReviewRefused(" ".join(error.messages)) from error
    checked = {*changes, *(("image",) if with_image else ())}
    try:
        city.full_clean(
            exclude=[field.name for field in City._meta.fields if field.name not in checked],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise ReviewRefused(" ".join(error.messages)) from error
    city._history_user = reviewer
    city._change_reason = correction_reason(proposal)
    city.save()


def _add_exchanges(city, exchanges, reviewer, reason):
    """Each accepted exchange as a draft partnership of the home city with ``city``: a
    Publisher publishes it, as any new record."""
    home = City.objects.home().first()
    if home is None or home.pk == city.pk:
        raise ReviewRefused(
            gettext("An exchange is recorded with the home city: set the home city first.")
        )
    for exchange in exchanges:
        partnership = Partnership(
            city=home,
            partner=city,
            kind=exchange["kind"],
            title_ko=exchange.get("title_ko") or "",
            title_en=exchange.get("title_en") or "",
            start_date=datetime.date.fromisoformat(exchange["date"]),
            link=exchange.get("link") or "",
            status=PublicationStatus.DRAFT,
        )
        partnership._history_user = reviewer
        partnership._change_reason = reason
        partnership.save()


def _state(proposal):
    rows = proposal.rows(proposal.city)
    if any(row["decision"] is None for row in rows):
        return ProposalState.PENDING
    decided = {row["decision"] for row in rows}
    if decided == {Decision.REJECTED}:
        return ProposalState.REJECTED
    if Decision.REJECTED in decided:
        return ProposalState.PARTLY
    return ProposalState.ACCEPTED
