"""Network cities the home city might approach, for the staff dashboard: cities it has
no partnership with (in any state) that share its creative field or one of its
sub-disciplines, that are in a region where it has no partner yet, or that took part
in events with it (an event held in one city, organised by an institution of the
other). Each comes with its reasons. Two queries whatever the size of the network: the
home city, then the ranked candidates (``LIMIT`` of them)."""

import re

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.translation import get_language, gettext

from cities.models import CITY_NAME_FIELDS, City, Partnership

LIMIT = 8
# A sub-discipline is matched when both cities name it; the home city's list is cut
# to this many words (one condition each).
MAX_TERMS = 8
# How much each reason weighs in the order.
WEIGHTS = {"joint": 8, "sub": 4, "field": 2, "region": 1}


def _terms(home):
    """The home city's sub-disciplines in either language, as words to look for."""
    text = " , ".join(filter(None, (home.sub_disciplines_ko, home.sub_disciplines_en)))
    terms = []
    for part in re.split(r"[,;/·、()\n]+", text):
        word = part.strip().lower()
        if len(word) >= 2 and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


def suggested_partners(limit=LIMIT):
    """Up to ``limit`` dicts: the city and the reasons to approach it, best first."""
    home = (
        City.objects.home()
        .only("pk", "creative_field", "sub_disciplines_ko", "sub_disciplines_en")
        .first()
    )
    if home is None:
        return []
    Event = City._meta.get_field("events").related_model
    partnered = Partnership.objects.filter(
        Q(city=home, partner=OuterRef("pk")) | Q(partner=home, city=OuterRef("pk"))
    )
    partner_in_region = Partnership.objects.filter(
        Q(city=home, partner__region=OuterRef("region"))
        | Q(partner=home, city__region=OuterRef("region"))
    )
    joint = (
        Event.objects.published()
        .filter(
            Q(city=OuterRef("pk"), organisers__city=home)
            | Q(city=home, organisers__city=OuterRef("pk"))
        )
        .order_by("-start_date")
    )
    lang = (get_language() or "ko").split("-")[0]
    title = "title_en" if lang == "en" else "title_ko"
    shared = Q()
    for term in _terms(home):
        shared |= Q(sub_disciplines_ko__icontains=term) | Q(sub_disciplines_en__icontains=term)
    candidates = (
        City.objects.published()
        .exclude(pk=home.pk)
        .exclude(Exists(partnered))
        .annotate(
            same_field=_flag(Q(creative_field=home.creative_field)),
            shared_sub=_flag(shared) if shared else Value(False, output_field=BooleanField()),
            new_region=_flag(~Exists(partner_in_region)),
            joint_event=Subquery(joint.values(title)[:1]),
            joint_event_other=Subquery(
                joint.values("title_ko" if title == "title_en" else "title_en")[:1]
            ),
        )
    )
    score = sum(
        (
            Case(When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField())
            for condition, weight in (
                (Q(joint_event_other__isnull=False), WEIGHTS["joint"]),
                (Q(shared_sub=True), WEIGHTS["sub"]),
                (Q(same_field=True), WEIGHTS["field"]),
                (Q(new_region=True), WEIGHTS["region"]),
            )
        ),
        Value(0),
    )
    rows = (
        candidates.annotate(score=score)
        .filter(score__gt=0)
        .only(*CITY_NAME_FIELDS, "country", "region", "creative_field")
        .order_by("-score", "-designation_year", "slug")[:limit]
    )
    return [{"city": city, "reasons": _reasons(city)} for city in rows]


def _reasons(city):
    reasons = []
    event = city.joint_event or city.joint_event_other
    if event:
        reasons.append(
            gettext("Took part in “%(event)s” with us, but has no partnership") % {"event": event}
        )
    if city.shared_sub:
        reasons.append(gettext("Works on one of our sub-disciplines"))
    if city.same_field:
        reasons.append(
            gettext("Same creative field: %(field)s") % {"field": city.get_creative_field_display()}
        )
    if city.new_region:
        reasons.append(
            gettext("No partner in %(region)s yet") % {"region": city.get_region_display()}
        )
    return reasons
