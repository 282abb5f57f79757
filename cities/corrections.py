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

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.correction_models import (  # noqa: F401 - the feature's names, in one place
    CONFIRMED,
    EXCHANGE,
    IMAGE,
    LANGUAGES,
    PROPOSABLE,
    SALT,
    TRANSLATED,
    Decision,
    InvitationEvent,
    InvitationStep,
    ProfileInvitation,
    ProfileProposal,
    ProposalState,
)
from cities.models import City, Partnership, PartnershipKind
from portal.blocks.publishing import PublicationStatus
from portal.blocks.revisions import ReviewRefused, Revision, under_review, version_of
from portal.blocks.roles import can_publish

EXCHANGE_KINDS = (
    PartnershipKind.EXCHANGE_VISIT,
    PartnershipKind.MOU,
    PartnershipKind.SISTER_CITY,
    PartnershipKind.JOINT_PROJECT,
)


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


def proposal_rows(proposal, city):
    """What the proposal asks, one row a decision: a field, the image, each new
    exchange, the confirmation. Each row: key, label, current, proposed, decision."""
    rows = []
    for column in PROPOSABLE:
        if column not in proposal.values:
            continue
        rows.append(
            {
                "key": column,
                "label": field_label(column),
                "current": getattr(city, column) or "",
                "proposed": proposal.values[column],
                "decision": proposal.decisions.get(column),
            }
        )
    if proposal.image:
        rows.append(
            {
                "key": IMAGE,
                "label": gettext("Image"),
                "current": city.image,
                "proposed": proposal.image,
                "is_image": True,
                "decision": proposal.decisions.get(IMAGE),
            }
        )
    for number, exchange in enumerate(proposal.exchanges):
        key = f"{EXCHANGE}{number}"
        rows.append(
            {
                "key": key,
                "label": gettext("New exchange record"),
                "current": "",
                "proposed": describe_exchange(exchange),
                "decision": proposal.decisions.get(key),
            }
        )
    if proposal.confirmed:
        rows.append(
            {
                "key": CONFIRMED,
                "label": gettext("Confirmation"),
                "current": date_format(city.confirmed_by_city, "DATE_FORMAT")
                if city.confirmed_by_city
                else "",
                "proposed": gettext("The city confirms that its profile is right."),
                "decision": proposal.decisions.get(CONFIRMED),
            }
        )
    return rows


def field_label(column):
    """A column's label: "Description (Korean)" for description_ko, else the field's."""
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
        open_rows = [row for row in proposal_rows(proposal, city) if row["decision"] is None]
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
    rows = proposal_rows(proposal, proposal.city)
    if any(row["decision"] is None for row in rows):
        return ProposalState.PENDING
    decided = {row["decision"] for row in rows}
    if decided == {Decision.REJECTED}:
        return ProposalState.REJECTED
    if Decision.REJECTED in decided:
        return ProposalState.PARTLY
    return ProposalState.ACCEPTED
