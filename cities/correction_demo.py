"""Demo: a partner city of the home city (Limoges when it is one) has sent a correction
of its summary, in Korean and English, through the link the office sent it; it waits
for an Editor's review. Its text restates what the demo data already says (the
city's field and year of designation, its partnership with the home city).

Idempotent: the invitation and the proposal are looked up by their keys."""

import datetime

from django.utils import timezone

from cities.corrections import InvitationStep, ProfileInvitation, ProfileProposal
from cities.models import City, Partnership
from portal.blocks.revisions import version_of

SUBMISSION = "demo-correction"
PREFERRED = "limoges"


def _partner(home):
    pairs = [
        (partnership, partnership.other_city(home))
        for partnership in Partnership.objects.published().involving(home)
    ]
    pairs.sort(key=lambda pair: (pair[1].slug != PREFERRED, pair[1].slug))
    return pairs[0] if pairs else (None, None)


def load(*, log, **kwargs):
    home = City.objects.home().first()
    partnership, partner = _partner(home) if home else (None, None)
    if partner is None:
        log("Partner correction: the home city has no partner to propose one.")
        return
    partner = City.objects.get(pk=partner.pk)
    invitation = ProfileInvitation.objects.filter(city=partner).order_by("pk").first()
    if invitation is None:
        invitation = ProfileInvitation.objects.create(
            city=partner,
            recipient_name=f"Creative City office of {partner.name_en}",
            recipient_email=f"creative-city@{partner.slug}.example",
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
        invitation.record(InvitationStep.INVITED, note=invitation.recipient_email)
    if invitation.proposals.filter(submission=SUBMISSION).exists():
        log("Partner correction: unchanged.")
        return
    field_en = partner.get_creative_field_display()
    values = {
        "summary_en": (
            f"{partner.name_en} has been a UNESCO Creative City of {field_en} since "
            f"{partner.designation_year}, and a partner of {home.name_en}: "
            f"{partnership.title_en}."
        ),
        "summary_ko": (
            f"{partner.name_ko or partner.name_en}는 {partner.designation_year}년부터 "
            f"유네스코 창의도시이며, {home.name_ko or home.name_en}의 교류 도시입니다: "
            f"{partnership.title_ko or partnership.title_en}."
        ),
    }
    proposal = ProfileProposal.objects.create(
        invitation=invitation,
        city=partner,
        submission=SUBMISSION,
        values=values,
        confirmed=True,
        message=f"Please mention our partnership with {home.name_en} in our summary.",
        base_version=version_of(partner),
    )
    invitation.record(InvitationStep.OPENED)
    invitation.record(InvitationStep.PROPOSED, proposal=proposal)
    log(f"Partner correction: {partner.name_en} proposed a new summary, waiting for review.")
