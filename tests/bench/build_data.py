"""Build a large, deterministic data set for the benchmark (``tests/bench/run.py``).

    python -m tests.bench.build_data --cities 400 --institutions 5000 --events 50000 --seed 1

(with ``DJANGO_SETTINGS_MODULE`` and ``DATABASE_URL`` naming the database to fill; the
settings default to ``portal.settings``, as manage.py's do). Tests call
``build_bench_data()`` directly.

Everything is published, in Korean and English, with the shapes the public pages have
to cope with: one home city with partnerships and milestones, institutions with
disciplines, event series whose editions carry programme items (dated within their
edition), venues, organisers, timed and all-day events, past and upcoming, and news
items (which the edit storm edits along with institutions and events).

The same seed and ``--today`` give the same rows. Rows go in with ``bulk_create`` in
batches (and M2M rows through their through models), so no ``save()`` runs: no edit
history is written for bench data (django-simple-history records nothing for
``bulk_create``), which is what a benchmark wants. Whatever ``save()`` would have
derived is set here instead (the local dates of timed events, ``publish_at``).

Bench rows are recognised by the ``bench-`` slug prefix (partnerships and milestones by
their city), so ``--flush`` removes them and nothing else.
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal

import django
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

if __name__ == "__main__":
    # Run as a program: the models imported below need Django set up first.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()

from cities.models import (  # noqa: E402
    City,
    CreativeField,
    Milestone,
    Partnership,
    PartnershipKind,
)
from events.models import Attendance, Event, EventKind, EventSeries, EventStatus  # noqa: E402
from institutions.models import Discipline, Institution, InstitutionKind  # noqa: E402
from portal.blocks.fields import DatePrecision  # noqa: E402
from portal.blocks.publishing import PublicationStatus, Publishable  # noqa: E402
from portal.models import News  # noqa: E402

PREFIX = "bench-"

# How each model's bench rows are told apart from real content.
BENCH_ROWS = {
    City: Q(slug__startswith=PREFIX),
    Discipline: Q(slug__startswith=PREFIX),
    Institution: Q(slug__startswith=PREFIX),
    EventSeries: Q(slug__startswith=PREFIX),
    Event: Q(slug__startswith=PREFIX),
    Partnership: Q(city__slug__startswith=PREFIX) | Q(partner__slug__startswith=PREFIX),
    Milestone: Q(city__slug__startswith=PREFIX),
    News: Q(slug__startswith=PREFIX),
}

# Romanised syllables and their Hangul, so that each made-up name exists in both
# languages and the Korean is a transliteration of the English.
SYLLABLES = [
    ("ga", "가"),
    ("na", "나"),
    ("da", "다"),
    ("ra", "라"),
    ("ma", "마"),
    ("ba", "바"),
    ("sa", "사"),
    ("a", "아"),
    ("ja", "자"),
    ("cha", "차"),
    ("ka", "카"),
    ("ta", "타"),
    ("pa", "파"),
    ("ha", "하"),
    ("jeon", "전"),
    ("san", "산"),
    ("won", "원"),
    ("ju", "주"),
    ("cheong", "청"),
    ("seong", "성"),
    ("yang", "양"),
    ("gang", "강"),
    ("mun", "문"),
    ("hwa", "화"),
    ("dong", "동"),
    ("nam", "남"),
    ("buk", "북"),
    ("seo", "서"),
    ("in", "인"),
    ("il", "일"),
    ("lo", "로"),
    ("ve", "베"),
    ("ri", "리"),
    ("to", "토"),
    ("mi", "미"),
]

COUNTRIES = {
    "asia_pacific": ["KR", "JP", "CN", "IN", "ID", "TH", "PH", "VN", "AU", "NZ", "MN"],
    "europe_north_america": [
        "IT",
        "FR",
        "DE",
        "ES",
        "PT",
        "GB",
        "US",
        "CA",
        "PL",
        "SE",
        "NO",
        "AT",
        "BE",
        "NL",
        "CZ",
        "TR",
    ],
    "latin_america_caribbean": ["BR", "MX", "AR", "CO", "PE", "EC", "CL", "CU", "UY"],
    "africa": ["NG", "SN", "ZA", "KE", "GH", "UG", "CI", "BJ"],
    "arab_states": ["EG", "MA", "TN", "JO", "LB", "AE", "IQ", "SA", "OM"],
}

DISCIPLINES = [
    ("ceramics", "Ceramics", "도자"),
    ("hanji", "Hanji (paper)", "한지"),
    ("lacquer", "Lacquer", "옻칠"),
    ("metal", "Metal", "금속"),
    ("wood", "Wood", "목공"),
    ("textile", "Textile", "섬유"),
    ("glass", "Glass", "유리"),
    ("jewellery", "Jewellery", "장신구"),
    ("leather", "Leather", "가죽"),
    ("bamboo", "Bamboo", "대나무"),
    ("stone", "Stone", "석공"),
    ("knot", "Knotting (maedeup)", "매듭"),
]

INSTITUTION_NOUNS = {
    InstitutionKind.STUDIO: ("Studio", "공방"),
    InstitutionKind.COOPERATIVE: ("Craft Cooperative", "공예협동조합"),
    InstitutionKind.SCHOOL: ("Craft School", "공예학교"),
    InstitutionKind.UNIVERSITY: ("University", "대학교"),
    InstitutionKind.FOUNDATION: ("Culture Foundation", "문화재단"),
    InstitutionKind.MUSEUM: ("Museum", "미술관"),
    InstitutionKind.RESEARCH: ("Research Institute", "연구소"),
    InstitutionKind.PUBLIC_AGENCY: ("Creative Agency", "창의진흥원"),
    InstitutionKind.COMPANY: ("Craft Company", "공예주식회사"),
}
INSTITUTION_KIND_WEIGHTS = [35, 12, 6, 4, 6, 15, 4, 3, 15]

EVENT_NOUNS = {
    EventKind.BIENNALE: ("Biennale", "비엔날레"),
    EventKind.FESTIVAL: ("Festival", "축제"),
    EventKind.EXHIBITION: ("Exhibition", "전시"),
    EventKind.CEREMONY: ("Ceremony", "기념식"),
    EventKind.CONFERENCE: ("Forum", "포럼"),
    EventKind.WORKSHOP: ("Workshop", "체험 교실"),
    EventKind.FAIR: ("Craft Fair", "공예 장터"),
    EventKind.PERFORMANCE: ("Performance", "공연"),
    EventKind.OTHER: ("Gathering", "모임"),
}
EDITION_KINDS = [EventKind.BIENNALE, EventKind.FESTIVAL, EventKind.FAIR]
PROGRAMME_KINDS = [
    EventKind.EXHIBITION,
    EventKind.WORKSHOP,
    EventKind.PERFORMANCE,
    EventKind.CONFERENCE,
    EventKind.CEREMONY,
]
STANDALONE_KINDS = [*PROGRAMME_KINDS, EventKind.FESTIVAL, EventKind.FAIR, EventKind.OTHER]
TIMED_KINDS = {EventKind.WORKSHOP, EventKind.PERFORMANCE, EventKind.CONFERENCE, EventKind.CEREMONY}

# Words for filler text, each with its Korean.
WORDS = [
    ("craft", "공예"),
    ("clay", "흙"),
    ("kiln", "가마"),
    ("glaze", "유약"),
    ("studio", "작업실"),
    ("paper", "한지"),
    ("fibre", "섬유"),
    ("lacquer", "옻칠"),
    ("maker", "장인"),
    ("tradition", "전통"),
    ("village", "마을"),
    ("market", "장터"),
    ("network", "네트워크"),
    ("city", "도시"),
    ("exchange", "교류"),
    ("heritage", "유산"),
    ("residency", "레지던시"),
    ("hand", "손"),
    ("tool", "도구"),
    ("pattern", "무늬"),
    ("form", "형태"),
    ("colour", "빛깔"),
    ("season", "계절"),
    ("visitor", "관람객"),
    ("artist", "작가"),
    ("workshop", "체험"),
    ("archive", "기록"),
    ("collection", "소장품"),
    ("museum", "박물관"),
    ("street", "거리"),
    ("river", "강"),
    ("mountain", "산"),
    ("light", "빛"),
]


NEWS_TOPICS = [
    ("Open call for makers", "장인 공모"),
    ("Residency programme", "레지던시 프로그램"),
    ("Craft award", "공예상 시상"),
    ("Exchange visit", "교류 방문"),
    ("Annual report", "연차 보고서"),
    ("Workshop series", "체험 교실 연속 강좌"),
    ("Designation anniversary", "지정 기념"),
    ("Network meeting", "네트워크 회의"),
]


def clip(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class Texts:
    """Pools of sentences and paragraphs in both languages, built once from the seed, so
    that tens of thousands of descriptions cost a few list look-ups each."""

    def __init__(self, rng):
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(300)]
        self.paragraphs = [
            [
                " ".join(pair[i] for pair in rng.sample(self.sentences, rng.randint(3, 6)))
                for i in (0, 1)
            ]
            for _ in range(200)
        ]

    def _sentence(self):
        rng = self.rng
        picks = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
        en = " ".join(p[0] for p in picks).capitalize() + "."
        ko = " ".join(p[1] for p in picks) + "입니다."
        return en, ko

    def summary(self):
        en, ko = self.rng.choice(self.sentences)
        return clip(en, 300), clip(ko, 300)

    def description(self, low=1, high=4):
        chosen = self.rng.sample(self.paragraphs, self.rng.randint(low, high))
        return ("\n\n".join(p[0] for p in chosen), "\n\n".join(p[1] for p in chosen))


class Builder:
    def __init__(self, *, seed, today, batch_size, log):
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.today = today
        self.batch_size = batch_size
        self.log = log
        self.texts = Texts(self.rng)
        self.tz = timezone.get_current_timezone()
        midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=self.tz)
        # Published a day before "today" (and never in the future, whatever --today says).
        self.publish_at = min(midnight, timezone.now()) - datetime.timedelta(days=1)

    # --- helpers ----------------------------------------------------------------------
    def word(self, low=2, high=3):
        picks = [self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(low, high))]
        return "".join(p[0] for p in picks).capitalize(), "".join(p[1] for p in picks)

    def published(self):
        return {"status": PublicationStatus.PUBLISHED, "publish_at": self.publish_at}

    def coordinate(self, centre, spread):
        return Decimal(f"{centre + self.rng.uniform(-spread, spread):.6f}")

    def insert(self, model, objects):
        """bulk_create in batches; the objects get their primary keys back."""
        started = time.monotonic()
        model.objects.bulk_create(objects, batch_size=self.batch_size)
        self.log(
            f"  {model._meta.label}: {len(objects):,} rows ({time.monotonic() - started:.1f} s)"
        )
        return objects

    def link(self, through, rows):
        self.insert(through, [through(**row) for row in rows])

    # --- content ----------------------------------------------------------------------
    def cities(self, count, *, make_home):
        cities = []
        for i in range(count):
            en, ko = self.word()
            home = make_home and i == 0
            region = "asia_pacific" if home else self.rng.choice(list(COUNTRIES))
            field = (
                CreativeField.CRAFTS_AND_FOLK_ART if home else self.rng.choice(CreativeField.values)
            )
            changed = not home and self.rng.random() < 0.02
            slug = f"{PREFIX}{en.lower()}-{i}"
            summary, description = self.texts.summary(), self.texts.description()
            cities.append(
                City(
                    slug=slug,
                    name_en=en,
                    name_ko=ko,
                    country="KR" if home else self.rng.choice(COUNTRIES[region]),
                    region=region,
                    creative_field=field,
                    designation_year=2025 if home else self.rng.randint(2004, 2025),
                    previous_field=(
                        self.rng.choice([f for f in CreativeField.values if f != field])
                        if changed
                        else ""
                    ),
                    field_changed_year=2017 if changed else None,
                    population=self.rng.randint(30_000, 9_000_000),
                    summary_en=summary[0],
                    summary_ko=summary[1],
                    description_en=description[0],
                    description_ko=description[1],
                    website=f"https://{slug}.example.org/",
                    latitude=self.coordinate(20, 40),
                    longitude=self.coordinate(0, 170),
                    focal_point_en="Creative City Office, Department of Culture",
                    focal_point_ko="문화관광과 창의도시팀",
                    contact_email=f"creative@{slug}.example.org",
                    is_home=home,
                    **self.published(),
                )
            )
        return self.insert(City, cities)

    def partnerships(self, cities, home):
        others = [c for c in cities if c is not home]
        pairs = []
        if home is not None:
            pairs += [(home, partner) for partner in self.rng.sample(others, min(40, len(others)))]
        for _ in range(len(others) // 2 if len(others) > 1 else 0):
            pairs.append(tuple(self.rng.sample(others, 2)))
        rows = []
        for city, partner in pairs:
            kind = self.rng.choice(PartnershipKind.values)
            start = datetime.date(
                self.rng.randint(1995, self.today.year), self.rng.randint(1, 12), 1
            )
            ended = self.rng.random() < 0.2
            description = self.texts.description(1, 2)
            rows.append(
                Partnership(
                    city=city,
                    partner=partner,
                    kind=kind,
                    title_en=clip(
                        f"{city.name_en} – {partner.name_en} {PartnershipKind(kind).label}", 200
                    ),
                    title_ko=f"{city.name_ko}–{partner.name_ko} 교류",
                    start_date=start,
                    start_precision=self.rng.choice([DatePrecision.DAY, DatePrecision.MONTH]),
                    end_date=start + datetime.timedelta(days=self.rng.randint(30, 2000))
                    if ended
                    else None,
                    description_en=description[0],
                    description_ko=description[1],
                    link=f"https://{city.slug}.example.org/partners/{partner.slug}/",
                    **self.published(),
                )
            )
        return self.insert(Partnership, rows)

    def disciplines(self):
        return self.insert(
            Discipline,
            [
                Discipline(slug=f"{PREFIX}{slug}", name_en=en, name_ko=ko)
                for slug, en, ko in DISCIPLINES
            ],
        )

    def institutions(self, count, cities, home, disciplines):
        institutions = []
        for i in range(count):
            city = home if home is not None and self.rng.random() < 0.4 else self.rng.choice(cities)
            kind = self.rng.choices(InstitutionKind.values, INSTITUTION_KIND_WEIGHTS)[0]
            noun_en, noun_ko = INSTITUTION_NOUNS[kind]
            en, ko = self.word()
            street_en, street_ko = self.word(2, 2)
            number = self.rng.randint(1, 400)
            summary, description = self.texts.summary(), self.texts.description()
            slug = f"{PREFIX}{en.lower()}-{noun_en.split()[-1].lower()}-{i}"
            institutions.append(
                Institution(
                    slug=slug,
                    name_en=f"{en} {noun_en}",
                    name_ko=f"{ko} {noun_ko}",
                    kind=kind,
                    city=city,
                    address_en=f"{number} {street_en}-ro, {city.name_en}",
                    address_ko=f"{city.name_ko} {street_ko}로 {number}",
                    postal_code=f"{self.rng.randint(10000, 63999)}",
                    phone=(
                        f"+8243{self.rng.randint(2000000, 9999999)}"
                        if self.rng.random() < 0.7
                        else ""
                    ),
                    email=f"info@{slug}.example.org" if self.rng.random() < 0.6 else "",
                    homepage=f"https://{slug}.example.org/" if self.rng.random() < 0.6 else "",
                    founded_year=self.rng.randint(1950, self.today.year)
                    if self.rng.random() < 0.8
                    else None,
                    summary_en=summary[0],
                    summary_ko=summary[1],
                    description_en=description[0],
                    description_ko=description[1],
                    latitude=self.coordinate(float(city.latitude), 0.1),
                    longitude=self.coordinate(float(city.longitude), 0.1),
                    **self.published(),
                )
            )
        self.insert(Institution, institutions)
        through = Institution.disciplines.through
        self.link(
            through,
            [
                {"institution_id": institution.pk, "discipline_id": discipline.pk}
                for institution in institutions
                for discipline in self.rng.sample(disciplines, self.rng.randint(1, 3))
            ],
        )
        return institutions

    def series(self, count, cities, home):
        rows = []
        for i in range(count):
            city = home if home is not None and self.rng.random() < 0.3 else self.rng.choice(cities)
            kind = self.rng.choice(EDITION_KINDS)
            noun_en, noun_ko = EVENT_NOUNS[kind]
            every = 2 if kind == EventKind.BIENNALE else self.rng.choice([1, 1, 2])
            description = self.texts.description(1, 3)
            slug = f"{PREFIX}series-{i}"
            series = EventSeries(
                slug=slug,
                name_en=f"{city.name_en} Craft {noun_en}",
                name_ko=f"{city.name_ko} 공예{noun_ko}",
                description_en=description[0],
                description_ko=description[1],
                founded_year=self.rng.randint(1995, self.today.year - 3),
                recurrence_en="every two years" if every == 2 else "every year",
                recurrence_ko="2년마다" if every == 2 else "매년",
                homepage=f"https://{slug}.example.org/",
                **self.published(),
            )
            # Not model fields: what the editions need to know.
            series.bench_kind, series.bench_every, series.bench_city = kind, every, city
            rows.append(series)
        return self.insert(EventSeries, rows)

    def event_plans(self, count, series_list, cities, venues_by_city, institutions):
        """Decide every event first (as plain dicts, programme items pointing at their
        edition), so that editions can be inserted before the items that refer to them."""
        editions = []
        for series in series_list:
            for number, year in enumerate(
                range(series.founded_year, self.today.year + 2, series.bench_every), start=1
            ):
                editions.append((series, number, year))
        self.rng.shuffle(editions)

        plans = []
        # About half the events are editions and their programmes, the rest stand alone.
        budget = count // 2
        for series, number, year in editions:
            if len(plans) >= budget:
                break
            start = datetime.date(year, self.rng.randint(3, 10), self.rng.randint(1, 20))
            end = start + datetime.timedelta(days=self.rng.randint(10, 45))
            edition = self.plan(
                kind=series.bench_kind,
                start=start,
                end=end,
                city=series.bench_city,
                venues_by_city=venues_by_city,
                institutions=institutions,
                title=(f"{series.name_en} {year}", f"{series.name_ko} {year}"),
                series=series,
                edition=number,
                timed=False,
            )
            plans.append(edition)
            for _ in range(min(self.rng.randint(3, 30), budget - len(plans))):
                offset = self.rng.randint(0, (end - start).days)
                item_start = start + datetime.timedelta(days=offset)
                item_end = min(end, item_start + datetime.timedelta(days=self.rng.randint(0, 3)))
                kind = self.rng.choice(PROGRAMME_KINDS)
                plans.append(
                    self.plan(
                        kind=kind,
                        start=item_start,
                        end=item_end,
                        city=series.bench_city,
                        venues_by_city=venues_by_city,
                        institutions=institutions,
                        parent=edition,
                    )
                )
        while len(plans) < count:
            kind = self.rng.choice(STANDALONE_KINDS)
            start = self.today + datetime.timedelta(days=self.rng.randint(-15 * 365, 2 * 365))
            longest = 90 if kind == EventKind.EXHIBITION else 3
            plan = self.plan(
                kind=kind,
                start=start,
                end=start + datetime.timedelta(days=self.rng.randint(0, longest)),
                city=self.rng.choice(cities),
                venues_by_city=venues_by_city,
                institutions=institutions,
            )
            # A few past events have no recorded start.
            if start < self.today and self.rng.random() < 0.01:
                plan["start_date"] = None
            plans.append(plan)
        for index, plan in enumerate(plans):
            plan["slug"] = f"{PREFIX}event-{index}"
        return plans

    def plan(
        self,
        *,
        kind,
        start,
        end,
        city,
        venues_by_city,
        institutions,
        title=None,
        series=None,
        edition=None,
        parent=None,
        timed=None,
    ):
        rng = self.rng
        local = venues_by_city.get(city.pk)
        venue = rng.choice(local) if local and rng.random() < 0.75 else None
        if title is None:
            word_en, word_ko = self.word()
            noun_en, noun_ko = EVENT_NOUNS[kind]
            title = (f"{word_en} {noun_en}", f"{word_ko} {noun_ko}")
        if timed is None:
            timed = kind in TIMED_KINDS and rng.random() < 0.4
        plan = {
            "kind": kind,
            "title_en": clip(title[0], 200),
            "title_ko": clip(title[1], 200),
            "series": series,
            "edition": edition,
            "parent": parent,
            "all_day": not timed,
            "start_date": start,
            "end_date": end,
            "venue": venue,
            "city": None if rng.random() < 0.03 else city,
            "organisers": rng.sample(institutions, min(len(institutions), rng.randint(0, 3))),
            "attendance": rng.choices(Attendance.values, [85, 5, 10])[0],
            "admission_free": rng.random() < 0.5,
            "event_status": rng.choices(EventStatus.values, [95, 2, 3])[0],
        }
        if timed:
            starts_at = datetime.datetime.combine(
                start, datetime.time(rng.randint(9, 19), rng.choice([0, 30])), tzinfo=self.tz
            )
            plan["starts_at"] = starts_at
            plan["ends_at"] = starts_at + datetime.timedelta(hours=rng.randint(1, 4))
            # What Event.save() would derive: the dates in the site's time zone.
            plan["end_date"] = timezone.localtime(plan["ends_at"], self.tz).date()
        if venue is None:
            place_en, place_ko = self.word(2, 2)
            plan["place_en"], plan["place_ko"] = f"{place_en} Square", f"{place_ko} 광장"
        return plan

    def events(self, plans, partnerships):
        """Insert editions and stand-alone events, then programme items (which need their
        edition's key), then organisers and partnerships through their through models."""
        for level in ("top", "programme"):
            chosen = [p for p in plans if (p["parent"] is None) == (level == "top")]
            for start in range(0, len(chosen), 5000):
                batch = chosen[start : start + 5000]
                objects = [self.event(plan) for plan in batch]
                self.insert(Event, objects)
                for plan, obj in zip(batch, objects, strict=True):
                    plan["pk"] = obj.pk
        self.link(
            Event.organisers.through,
            [
                {"event_id": plan["pk"], "institution_id": organiser.pk}
                for plan in plans
                for organiser in plan["organisers"]
            ],
        )
        if partnerships:
            self.link(
                Event.partnerships.through,
                [
                    {"event_id": plan["pk"], "partnership_id": self.rng.choice(partnerships).pk}
                    for plan in plans
                    if self.rng.random() < 0.03
                ],
            )

    def event(self, plan):
        summary = self.texts.summary()
        description = self.texts.description()
        fields = {
            k: v
            for k, v in plan.items()
            if k not in {"organisers", "parent", "venue", "city", "series", "pk"}
        }
        return Event(
            **fields,
            parent_id=plan["parent"]["pk"] if plan["parent"] else None,
            venue_id=plan["venue"].pk if plan["venue"] else None,
            city_id=plan["city"].pk if plan["city"] else None,
            series_id=plan["series"].pk if plan["series"] else None,
            admission_en="" if plan["admission_free"] else "KRW 5,000; free for children",
            admission_ko="" if plan["admission_free"] else "5,000원, 어린이 무료",
            registration_url=(
                f"https://{plan['slug']}.example.org/register"
                if plan["kind"] == EventKind.WORKSHOP
                else ""
            ),
            summary_en=summary[0],
            summary_ko=summary[1],
            description_en=description[0],
            description_ko=description[1],
            **self.published(),
        )

    def milestones(self, cities, home, events):
        rows = []
        for city in cities:
            count = self.rng.randint(8, 12) if city is home else self.rng.randint(0, 2)
            for _ in range(count):
                title_en, title_ko = self.rng.choice(
                    [
                        ("Candidate city", "후보 도시 선정"),
                        ("Action plan adopted", "실행 계획 수립"),
                        ("Application submitted", "가입 신청서 제출"),
                        ("Designation", "지정"),
                        ("Proclamation ceremony", "선포식"),
                        ("Ordinance enacted", "조례 제정"),
                    ]
                )
                text = self.texts.description(1, 1)
                rows.append(
                    Milestone(
                        city=city,
                        date=datetime.date(
                            self.rng.randint(2010, self.today.year),
                            self.rng.randint(1, 12),
                            self.rng.randint(1, 28),
                        ),
                        date_precision=self.rng.choice([DatePrecision.DAY, DatePrecision.MONTH]),
                        title_en=title_en,
                        title_ko=title_ko,
                        text_en=text[0],
                        text_ko=text[1],
                        event_id=self.rng.choice(events)["pk"]
                        if events and self.rng.random() < 0.3
                        else None,
                        **self.published(),
                    )
                )
        return self.insert(Milestone, rows)

    def news(self, count, cities, events):
        rows = []
        for i in range(count):
            topic_en, topic_ko = self.rng.choice(NEWS_TOPICS)
            city = self.rng.choice(cities)
            summary, body = self.texts.summary(), self.texts.description(2, 5)
            rows.append(
                News(
                    slug=f"{PREFIX}news-{i}",
                    title_en=clip(f"{city.name_en}: {topic_en}", 200),
                    title_ko=clip(f"{city.name_ko} {topic_ko}", 200),
                    date=self.today - datetime.timedelta(days=self.rng.randint(0, 3 * 365)),
                    summary_en=summary[0],
                    summary_ko=summary[1],
                    body_en=body[0],
                    body_ko=body[1],
                    **self.published(),
                )
            )
        self.insert(News, rows)
        self.link(
            News.cities.through,
            [
                {"news_id": item.pk, "city_id": city.pk}
                for item in rows
                for city in self.rng.sample(cities, self.rng.randint(0, 2))
            ],
        )
        if events:
            self.link(
                News.events.through,
                [
                    {"news_id": item.pk, "event_id": plan["pk"]}
                    for item in rows
                    for plan in self.rng.sample(events, min(len(events), self.rng.randint(0, 2)))
                ],
            )
        return rows


def foreign_content():
    """Counts of content rows that are not bench data, by model label."""
    found = {}
    content_models = [m for m in apps.get_models() if issubclass(m, Publishable)]
    for model in [*content_models, Discipline]:
        rows = model.objects.all()
        if model in BENCH_ROWS:
            rows = rows.exclude(BENCH_ROWS[model])
        if count := rows.count():
            found[model._meta.label] = count
    return found


def bench_rows_exist():
    return any(model.objects.filter(q).exists() for model, q in BENCH_ROWS.items())


def delete_bench_rows():
    """Delete the bench rows, in one transaction.

    ``QuerySet._raw_delete`` is the plain DELETE Django itself uses for fast deletes: a
    normal ``delete()`` would load every row and have simple-history write a "deleted"
    history record for each of tens of thousands of rows.
    """
    ids = {model: model.objects.filter(q).values("pk") for model, q in BENCH_ROWS.items()}
    # Real milestones may point at a bench event: they lose the link, not themselves.
    Milestone.objects.exclude(BENCH_ROWS[Milestone]).filter(event__in=ids[Event]).update(event=None)
    # Through rows by key (IN a subquery), not through joins: right after a bulk load the
    # PostgreSQL planner has no statistics and picks nested loops over joins.
    Event.organisers.through.objects.filter(
        Q(event__in=ids[Event]) | Q(institution__in=ids[Institution])
    ).delete()
    News.cities.through.objects.filter(Q(news__in=ids[News]) | Q(city__in=ids[City])).delete()
    News.events.through.objects.filter(Q(news__in=ids[News]) | Q(event__in=ids[Event])).delete()
    Event.partnerships.through.objects.filter(
        Q(event__in=ids[Event]) | Q(partnership__in=ids[Partnership])
    ).delete()
    Institution.disciplines.through.objects.filter(
        Q(institution__in=ids[Institution]) | Q(discipline__in=ids[Discipline])
    ).delete()
    for model in (News, Milestone, Event, EventSeries, Partnership, Institution, Discipline, City):
        rows = model.objects.filter(pk__in=ids[model])
        rows._raw_delete(rows.db)


def analyze(vacuum=False):
    """Gather PostgreSQL's planner statistics (SQLite sites do not run ANALYZE, so
    neither does the bench there); with ``vacuum``, also mark the tables' pages
    all-visible, without which PostgreSQL reads the table for every row an index-only
    scan finds (not inside a transaction, such as a test's, where VACUUM cannot run)."""
    if connection.vendor == "postgresql":
        vacuum = vacuum and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


class BuildError(Exception):
    """The data set was not built (nothing was written); the message says why."""


def build_bench_data(
    *,
    cities=400,
    institutions=5000,
    events=50000,
    news=200,
    seed=1,
    today=None,
    batch_size=1000,
    flush=False,
    force=False,
    log=None,
):
    """Build the bench data set in the default database, in one transaction, then
    gather PostgreSQL's planner statistics. ``log`` receives progress messages."""
    if cities < 2 or institutions < 1 or events < 0 or news < 0 or batch_size < 1:
        raise BuildError("Give at least 2 cities, 1 institution, 0 events and 0 news items.")
    log = log or (lambda message: None)
    started = time.monotonic()
    try:
        with transaction.atomic():
            check_database(force=force, flush=flush, log=log)
            build(
                cities,
                institutions,
                events,
                news,
                seed=seed,
                log=log,
                today=today or timezone.localdate(),
                batch_size=batch_size,
            )
    except IntegrityError as error:
        raise BuildError(
            f"Nothing was written: the database refused the bench data ({error}). "
            "Other content may refer to earlier bench rows; use a fresh database."
        ) from None
    # Autovacuum would gather planner statistics and mark the new rows' pages visible
    # a little later, as it does in production after a large insert; a benchmark that
    # starts now must measure neither plans made blind nor index-only scans that read
    # the table.
    analyze(vacuum=True)
    log(
        f"Bench data built in {time.monotonic() - started:.1f} s: {cities:,} cities, "
        f"{institutions:,} institutions, {events:,} events, {news:,} news items "
        f"(seed {seed})."
    )


def check_database(*, force, flush, log):
    foreign = foreign_content()
    if foreign and not force:
        listed = ", ".join(f"{count:,} {label}" for label, count in foreign.items())
        raise BuildError(
            f"This database already holds content that is not bench data ({listed}). "
            "The bench data builder is meant for an empty database (the benchmark makes "
            "its own). Use a fresh DATABASE_URL, or pass --force to add bench data beside "
            "that content."
        )
    if bench_rows_exist():
        if not flush:
            raise BuildError(
                "This database already has bench data. Pass --flush to delete it and "
                "build it again."
            )
        log("Deleting earlier bench data…")
        flush_started = time.monotonic()
        analyze()  # Without statistics, PostgreSQL plans these deletes very badly.
        delete_bench_rows()
        log(f"  done ({time.monotonic() - flush_started:.1f} s)")


def build(n_cities, n_institutions, n_events, n_news, *, seed, today, batch_size, log):
    builder = Builder(seed=seed, today=today, batch_size=batch_size, log=log)
    make_home = not City.objects.home().exists()
    cities = builder.cities(n_cities, make_home=make_home)
    home = cities[0] if make_home else None
    partnerships = builder.partnerships(cities, home)
    disciplines = builder.disciplines()
    institutions = builder.institutions(n_institutions, cities, home, disciplines)
    venues_by_city = {}
    for institution in institutions:
        venues_by_city.setdefault(institution.city_id, []).append(institution)
    series = builder.series(max(3, n_events // 500), cities, home)
    plans = builder.event_plans(n_events, series, cities, venues_by_city, institutions)
    builder.events(plans, partnerships)
    builder.milestones(cities, home, plans)
    builder.news(n_news, cities, plans)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.build_data",
        description="Build a large, deterministic, published data set in Korean and English "
        "for the benchmark (tests/bench/run.py) in the database of "
        "DJANGO_SETTINGS_MODULE (default portal.settings, so DATABASE_URL). "
        "Meant for an empty database.",
    )
    parser.add_argument("--cities", type=int, default=400)
    parser.add_argument("--institutions", type=int, default=5000)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--news", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=None,
        help="The date events are placed around (YYYY-MM-DD; default: today). The same "
        "seed and date give the same data.",
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--flush",
        action="store_true",
        help="Delete earlier bench data (slugs starting with bench-) first.",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Build even though the database holds content that is not bench data.",
    )
    parser.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=[0, 1, 2, 3],
        default=1,
        help="0: only errors; 1 and more: progress (default 1).",
    )
    options = parser.parse_args(argv)
    try:
        build_bench_data(
            cities=options.cities,
            institutions=options.institutions,
            events=options.events,
            news=options.news,
            seed=options.seed,
            today=options.today,
            batch_size=options.batch_size,
            flush=options.flush,
            force=options.force,
            log=(lambda message: print(message, flush=True)) if options.verbosity > 0 else None,
        )
    except BuildError as error:
        print(f"Bench data not built: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
