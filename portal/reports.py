"""Membership Monitoring Reports drafted from the portal's own records.

Every member city reports to UNESCO every four years after its designation year. A
report copies the office's guideline sections (``GuidelineSection``) and drafts, for
each, the facts of its period from the published records the section is drafted from
(``ReportSource``): each fact in Korean and English, naming the record it came from, so
that a number can be checked. The office writes its own text beside the facts; drafting
again refreshes the facts and never touches that text. Exports: a printable page and a
Word document in either language (``word_document``).
"""

import datetime
import io
from collections import Counter

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.blocks.dates import format_date_range, format_partial_date
from portal.blocks.gallery import Licence
from portal.blocks.publishing import PublicationStatus
from portal.documents import Document, DocumentKind
from portal.models import GuidelineSection, MonitoringReport, ReportSection, ReportSource
from portal.opendata import open_data_licence

CYCLE_YEARS = 4
# The dashboard warns this many months before the end of the year a report is due.
WARN_MONTHS = 6
# A section lists at most this many records of one kind; the rest are counted.
MAX_LISTED = 40
LANGUAGES = ("ko", "en")


# The sections of UNESCO's Membership Monitoring Report guidelines of April 2021, as a
# new portal starts with them (the office edits them when UNESCO revises the guidelines):
# (drafted from, title in Korean and English, guidance in Korean and English).
GUIDELINE_SECTIONS = [
    (
        "profile",
        "일반 정보",
        "General information",
        "도시와 창의 분야, 지정 연도, 담당 부서(포컬 포인트), 회원 활동에 쓴 예산과 인력, "
        "함께한 지역 기관.",
        "The city, its creative field and year of designation, the focal points, the budget "
        "and staff given to the membership, and the local institutions involved.",
    ),
    (
        "network",
        "네트워크 운영에 대한 기여",
        "Contribution to the global management of the Network",
        "참석하거나 개최한 연례 총회와 네트워크 회의, 워킹그룹과 분야별 네트워크 조정 활동, "
        "네트워크에 대한 지원.",
        "Annual Conferences and other network meetings attended or hosted, working groups "
        "and sub-network coordination, and support given to the Network.",
    ),
    (
        "local",
        "지역 차원의 주요 사업",
        "Major initiatives at the local level",
        "도시 안에서 네트워크 사명을 실천한 사업: 프로그램과 행사, 그 성과 수치, 참여 기관, "
        "도시의 지속가능한 발전에 준 영향.",
        "Initiatives in the city that carried out the Network's Mission Statement: "
        "programmes and events with their figures, the institutions involved, and their "
        "effect on the city's sustainable development.",
    ),
    (
        "cooperation",
        "도시 간 협력을 통한 주요 사업",
        "Major initiatives through inter-city cooperation",
        "다른 창의도시와 함께한 사업: 협약과 교류 방문, 공동 행사, 함께한 도시와 성과.",
        "Projects with other Creative Cities: agreements, exchange visits and joint events, "
        "with the cities involved and the results.",
    ),
    (
        "none",
        "향후 4년 실행 계획",
        "Action plan for the next four years",
        "앞으로 4년 동안 도시 안에서, 그리고 다른 도시와 함께 추진할 서너 가지 사업. 사업마다 "
        "목표, 협력 기관, 예산을 적고 지속가능발전목표 11(포용적이고 안전하며 회복력 있고 "
        "지속가능한 도시)과의 관계를 밝힙니다.",
        "Three or four initiatives for the next four years, in the city and with other "
        "cities, each with its aims, partners and budget, and how it serves Sustainable "
        "Development Goal 11 (inclusive, safe, resilient and sustainable cities).",
    ),
    (
        "milestones",
        "요약",
        "Executive summary",
        "네 해 동안의 주요 성과와 앞으로의 계획을 한두 쪽으로.",
        "The four years' main achievements and the plan ahead, in a page or two.",
    ),
]
GUIDELINE_POSITIONS = {
    "milestones": 10,
    "profile": 20,
    "network": 30,
    "local": 40,
    "cooperation": 50,
}


def add_guideline_sections(model=GuidelineSection):
    """Give an empty list of guideline sections the default set (``model``: the
    migration's historical model, or the live one)."""
    if model.objects.exists():
        return
    for source, title_ko, title_en, guidance_ko, guidance_en in GUIDELINE_SECTIONS:
        model.objects.create(
            position=GUIDELINE_POSITIONS.get(source, 60),
            source=source,
            title=title_ko,
            title_ko=title_ko,
            title_en=title_en,
            guidance=guidance_ko,
            guidance_ko=guidance_ko,
            guidance_en=guidance_en,
        )


def due_years(city):
    """The years ``city``'s reports are due, from its designation on (endless)."""
    year = city.designation_year + CYCLE_YEARS
    while True:
        yield year
        year += CYCLE_YEARS


def due_date(year):
    """The day a report due in ``year`` is due by: the guidelines set the year, not the
    day, so the portal counts to its last day."""
    return datetime.date(year, 12, 31)


def period_for(city, year):
    """The period a report due in ``year`` covers: since the previous report's year (or
    the designation) to the end of ``year``."""
    start_year = max(city.designation_year, year - CYCLE_YEARS) + 1
    return datetime.date(start_year, 1, 1), due_date(year)


def next_due(city, today=None):
    """The next report ``city`` owes: {"year", "date", "report" (or None), "warn"}. A
    year whose report is finished is done; a report being written still counts as owed.
    None for a city with no designation year."""
    if city is None or not city.designation_year:
        return None
    today = today or timezone.localdate()
    # A city has a report every four years: a handful, read in one query.
    made = {report.due_year: report for report in MonitoringReport.objects.filter(city=city)}
    for year in due_years(city):
        report = made.get(year)
        if year >= today.year and not (report and report.report_status == "finished"):
            break
    deadline = due_date(year)
    warn_from = deadline.replace(month=12 - WARN_MONTHS + 1, day=1)
    return {
        "year": year,
        "date": deadline,
        "days_left": (deadline - today).days,
        "report": report,
        "warn": today >= warn_from,
    }


@transaction.atomic
def start_report(report):
    """Give a new report the office's guideline sections (the default set, if the office
    has none), then draft their facts."""
    add_guideline_sections()
    for guideline in GuidelineSection.objects.all():
        ReportSection.objects.create(
            report=report,
            position=guideline.position,
            source=guideline.source,
            **{
                f"{name}_{lang}": getattr(guideline, f"{name}_{lang}")
                for name in ("title", "guidance")
                for lang in LANGUAGES
            },
        )
    draft(report)


@transaction.atomic
def draft(report):
    """Draft (again) every section's facts from the records of the report's period."""
    for section in report.sections.all():
        section.facts = facts_for(section.source, report)
        section.save(update_fields=["facts"])
    report.drafted_at = timezone.now()
    report.save(update_fields=["drafted_at", "updated_at"])


def facts_for(source, report):
    drafter = DRAFTERS.get(source)
    return drafter(report.city, report.period_start, report.period_end) if drafter else []


def _fact(texts, record=None, listing=None):
    """A fact in both languages: ``texts`` gives its text in the current language and is
    called once per language. ``record`` is where it came from; ``listing`` an admin
    list ("app.model?query") for a count."""
    words = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            words[lang] = texts()
    label = f"{record._meta.label_lower}:{record.pk}" if record is not None else ""
    return {**words, "record": label, "list": listing or ""}


def _model(label):
    return apps.get_model(label)


def _kind_counts(model, kinds, city, words):
    """A fact counting ``model``'s records of ``city`` by kind (``kinds``: a Counter),
    ``words(total)`` giving the sentence; it links to the admin list of them."""
    choices = dict(model._meta.get_field("kind").flatchoices)
    total = sum(kinds.values())

    def text():
        parts = ", ".join(f"{choices[kind]} {count}" for kind, count in kinds.most_common())
        return words(total) % {"count": total, "parts": parts}

    return _fact(text, listing=f"{model._meta.label_lower}?city__id__exact={city.pk}")


def _profile(city, start, end):
    Institution = _model("institutions.Institution")
    facts = [
        _fact(
            lambda: (
                _("%(city)s, UNESCO Creative City of %(field)s since %(year)s")
                % {
                    "city": city.name,
                    "field": city.get_creative_field_display(),
                    "year": city.designation_year,
                }
            ),
            city,
        )
    ]
    if city.sub_disciplines:
        facts.append(
            _fact(lambda: _("Sub-disciplines: %(list)s") % {"list": city.sub_disciplines}, city)
        )
    if city.focal_point:
        facts.append(
            _fact(lambda: _("Focal point: %(office)s") % {"office": city.focal_point}, city)
        )
    kinds = Counter(
        Institution.objects.published().filter(city=city).values_list("kind", flat=True)
    )
    if kinds:
        facts.append(
            _kind_counts(
                Institution,
                kinds,
                city,
                lambda n: ngettext(
                    "%(count)s institution in the directory (%(parts)s)",
                    "%(count)s institutions in the directory (%(parts)s)",
                    n,
                ),
            )
        )
    return facts


def _events_in(city, start, end):
    Event = _model("events.Event")
    return (
        Event.objects.published()
        .filter(city=city, parent__isnull=True)
        .overlapping(start, end)
        .order_by("start_date", "pk")
    )


def _event_fact(event):
    return _fact(
        lambda: (
            _("%(kind)s: %(title)s (%(dates)s)")
            % {
                "kind": event.get_kind_display(),
                "title": event.title,
                "dates": format_date_range(event.start_date, event.end_date),
            }
        ),
        event,
    )


def _network(city, start, end):
    Event = _model("events.Event")
    Partnership = _model("cities.Partnership")
    meetings = (
        Event.objects.published()
        .filter(kind="conference", parent__isnull=True)
        .overlapping(start, end)
        .select_related("city")
        .order_by("start_date", "pk")[:MAX_LISTED]
    )
    facts = []
    for meeting in meetings:
        hosted = meeting.city_id == city.pk

        def text(meeting=meeting, hosted=hosted):
            values = {
                "title": meeting.title,
                "city": meeting.city.name if meeting.city else "",
                "dates": format_date_range(meeting.start_date, meeting.end_date),
            }
            if hosted:
                return _("Hosted: %(title)s (%(dates)s)") % values
            if meeting.city:
                return _("Took part: %(title)s, %(city)s (%(dates)s)") % values
            return _("Took part: %(title)s (%(dates)s)") % values

        facts.append(_fact(text, meeting))
    groups = Partnership.objects.published().involving(city).filter(kind="working_group")
    for group in _active(groups, start, end):
        facts.append(
            _fact(lambda group=group: _("Working group: %(title)s") % {"title": group.title}, group)
        )
    return facts


def _active(partnerships, start, end):
    """Partnerships that were in force at some time of the period."""
    return partnerships.filter(
        Q(start_date__lte=end) | Q(start_date__isnull=True),
        Q(end_date__gte=start) | Q(end_date__isnull=True),
    ).order_by("start_date", "pk")[:MAX_LISTED]


def _local(city, start, end):
    Institution = _model("institutions.Institution")
    Event = _model("events.Event")
    events = _events_in(city, start, end)
    kinds = Counter(events.values_list("kind", flat=True))
    facts = []
    if kinds:
        facts.append(
            _kind_counts(
                Event,
                kinds,
                city,
                lambda n: ngettext(
                    "%(count)s event in the city in the period (%(parts)s)",
                    "%(count)s events in the city in the period (%(parts)s)",
                    n,
                ),
            )
        )
    facts += [_event_fact(event) for event in events[:MAX_LISTED]]
    keys = list(events.values_list("pk", flat=True)[: MAX_LISTED * 5])
    involved = (
        Institution.objects.published()
        .filter(Q(hosted_events__in=keys) | Q(organised_events__in=keys))
        .distinct()
        .order_by("name", "pk")[:MAX_LISTED]
    )
    for institution in involved:
        facts.append(
            _fact(
                lambda institution=institution: (
                    _("Institution involved: %(name)s") % {"name": institution.name}
                ),
                institution,
            )
        )
    return facts


def _cooperation(city, start, end):
    Event = _model("events.Event")
    Partnership = _model("cities.Partnership")
    facts = []
    for partnership in _active(Partnership.objects.published().involving(city), start, end):
        other = partnership.other_city(city)

        def text(partnership=partnership, other=other):
            return _("%(kind)s with %(city)s: %(title)s (%(since)s)") % {
                "kind": partnership.get_kind_display(),
                "city": other.name,
                "title": partnership.title,
                "since": format_partial_date(partnership.start_date, partnership.start_precision)
                or _("date not recorded"),
            }

        facts.append(_fact(text, partnership))
    joint = (
        Event.objects.published()
        .joint_with(city)
        .overlapping(start, end)
        .order_by("start_date", "pk")
    )
    for event in joint[:MAX_LISTED]:
        facts.append(
            _fact(
                lambda event=event: (
                    _("Joint event: %(title)s (%(dates)s)")
                    % {
                        "title": event.title,
                        "dates": format_date_range(event.start_date, event.end_date),
                    }
                ),
                event,
            )
        )
    return facts


def _milestones(city, start, end):
    milestones = city.milestones.published().filter(date__range=(start, end)).order_by("date", "pk")

    def text(milestone):
        return f"{format_partial_date(milestone.date, milestone.date_precision)}: {milestone.title}"

    return [_fact(lambda m=milestone: text(m), milestone) for milestone in milestones[:MAX_LISTED]]


DRAFTERS = {
    ReportSource.PROFILE: _profile,
    ReportSource.NETWORK: _network,
    ReportSource.LOCAL: _local,
    ReportSource.COOPERATION: _cooperation,
    ReportSource.MILESTONES: _milestones,
}


def fact_links(fact):
    """(admin URL, public URL) of the record or list a fact came from; either may be
    None (a record since deleted, a record with no public page)."""
    admin_url = public_url = None
    if fact.get("record"):
        label, _sep, pk = fact["record"].partition(":")
        try:
            model = apps.get_model(label)
        except LookupError:
            return None, None
        try:
            admin_url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk]
            )
        except NoReverseMatch:
            admin_url = None
        record = model._default_manager.filter(pk=pk).first()
        if record is None:
            return None, None
        if hasattr(record, "get_absolute_url"):
            public = getattr(record, "is_live", True)
            public_url = record.get_absolute_url() if public else None
    elif fact.get("list"):
        label, _sep, query = fact["list"].partition("?")
        app_label, _dot, model_name = label.partition(".")
        try:
            admin_url = reverse(f"admin:{app_label}_{model_name}_changelist") + (
                f"?{query}" if query else ""
            )
        except NoReverseMatch:
            admin_url = None
    return admin_url, public_url


def sections_in(report, lang):
    """The report's sections as the exports show them in ``lang``: title, the office's
    text, the drafted facts (text and links)."""
    shown = []
    for section in report.sections.all():
        shown.append(
            {
                "title": getattr(section, f"title_{lang}") or section.title,
                "text": getattr(section, f"text_{lang}") or "",
                "facts": [
                    {"text": fact.get(lang) or fact.get("ko") or "", "links": fact_links(fact)}
                    for fact in section.facts
                ],
            }
        )
    return shown


def word_document(report, lang, base_url=""):
    """The report as a Word document (bytes) in ``lang``: a title, the period, then each
    section's own text and its drafted facts, each fact linking to its public page when it
    has one. Korean text is set in Malgun Gothic, which every Korean Windows has."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Malgun Gothic"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Malgun Gothic")
    with translation.override(lang):
        document.core_properties.title = str(report)
        document.core_properties.language = lang
        city = getattr(report.city, f"name_{lang}") or report.city.name
        document.add_heading(f"{city} · {report}", level=0)
        document.add_paragraph(
            _("Period: %(dates)s")
            % {"dates": format_date_range(report.period_start, report.period_end)}
        )
        for section in sections_in(report, lang):
            document.add_heading(section["title"], level=1)
            for paragraph in section["text"].split("\n\n"):
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
            if section["facts"]:
                document.add_heading(_("From the portal's records"), level=2)
                for fact in section["facts"]:
                    item = document.add_paragraph(fact["text"], style="List Bullet")
                    public_url = fact["links"][1]
                    if public_url:
                        item.add_run(f" ({base_url}{public_url})")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# How a document's title says which language its file is in: (Korean, English).
LANGUAGE_MARKS = {"ko": ("국문", "Korean"), "en": ("영문", "English")}


@transaction.atomic
def make_documents(report, base_url=""):
    """The report as documents for its city's profile: its Word file in each language, a
    document each, linked to the city, under the office's open-data licence. New
    documents are drafts that a Publisher publishes like any content; made again, they
    take the report's current text (a new file) and keep their state. Returns them."""
    licence = Licence(open_data_licence()["id"])
    made = []
    for lang in LANGUAGES:
        slug = f"{report.city.slug}-monitoring-report-{report.due_year}-{lang}"
        document = Document.objects.filter(slug=slug).first() or Document(
            slug=slug,
            kind=DocumentKind.MONITORING_REPORT,
            status=PublicationStatus.DRAFT,
            licence=licence,
        )
        mark_ko, mark_en = LANGUAGE_MARKS[lang]
        for title_lang, mark in (("ko", mark_ko), ("en", mark_en)):
            with translation.override(title_lang):
                city = getattr(report.city, f"name_{title_lang}") or report.city.name
                setattr(document, f"title_{title_lang}", f"{city} {report} ({mark})")
        document.language = lang
        document.date = timezone.localdate()
        document.file.save(
            f"{slug}.docx", ContentFile(word_document(report, lang, base_url)), save=False
        )
        document.save()
        document.cities.add(report.city)
        made.append(document)
    return made
