"""Demo data for the events app (see portal/management/commands/load_demo.py).

Real past events come from ``events/demo/events.csv`` (a copy of the sourced facts in
the project's shared data) with the proclamation ceremony and ordinance of the Cheongju
press release (seed 000). The Korean titles are translations of the English names, and
every summary says what happened, in the past tense. An event's venue is a directory
institution only while that institution is published (the home city's, see the
institutions demo); otherwise its place is written out, so that no event loses its
place when another city is home.

Because every real event is in the past, a few *sample* events dated relative to the
day of loading keep the "now on and upcoming" views alive. They are marked as samples in
their title ("[Sample]", "[예시]") and description, which are true on any day (they say
that the dates follow the day of loading, not "now"). Loading is idempotent: records are
keyed on their slug and saved only when a value differs, so a second run on the same day
changes nothing (no new history either), and a run on a later day moves the samples'
dates instead of adding new ones.
"""

import csv
import datetime
import re
from pathlib import Path

from django.conf import settings
from django.db.models import Case, When
from django.utils import timezone
from django.utils.text import slugify

from cities.models import City
from events.models import Attendance, Event, EventKind, EventSeries, EventStatus
from institutions.models import Institution, InstitutionKind
from portal.blocks.publishing import PublicationStatus

CSV_PATH = Path(__file__).parent / "demo" / "events.csv"
PUBLISHED = PublicationStatus.PUBLISHED

SERIES = {
    "Cheongju Craft Biennale": {
        "slug": "cheongju-craft-biennale",
        "name_ko": "청주공예비엔날레",
        "founded_year": 1999,
        "recurrence_en": "every two years",
        "recurrence_ko": "2년마다",
        "description_en": (
            "Launched in 1999, the Cheongju Craft Biennale has become a cornerstone of the "
            "global craft scene. Its editions are kept here as one archive."
        ),
        "description_ko": (
            "1999년에 시작한 청주공예비엔날레는 세계 공예계의 중심 행사로 자리 잡았습니다. "
            "역대 행사를 이곳에 하나의 기록으로 모았습니다."
        ),
        # Editions count from 1999, one every two years (2025 is the 14th).
        "first_year": 1999,
        "every": 2,
    },
    "Korean International Ceramic Biennale": {
        "slug": "korean-international-ceramic-biennale",
        "name_ko": "경기세계도자비엔날레",
        "recurrence_en": "every two years",
        "recurrence_ko": "2년마다",
        "description_en": (
            "An international ceramic biennale held in Icheon, among other venues. The "
            "quality of its running, with Icheon's ceramic festivals, was recognised in "
            "Icheon's designation as Korea's first UNESCO Creative City of Crafts and Folk "
            "Art in 2010. The Korea Ceramic Foundation organised the 2019 edition at the "
            "Icheon World Ceramic Center."
        ),
        "description_ko": (
            "이천을 비롯한 여러 곳에서 열리는 국제 도자 비엔날레입니다. 이천의 도자기 "
            "축제와 함께 그 우수한 운영을 인정받아, 이천은 2010년 국내 최초의 유네스코 "
            "공예·민속예술 창의도시로 지정되었습니다. 2019년 행사는 한국도자재단이 "
            "이천세계도자센터에서 주최했습니다."
        ),
    },
    "Icheon Ceramics Festival": {
        "slug": "icheon-ceramics-festival",
        "name_ko": "이천도자기축제",
        "recurrence_en": "every year",
        "recurrence_ko": "매년",
        "description_en": (
            "Icheon's ceramics festival, held at Ye's Park with free entry. With the "
            "International Ceramic Biennale, it was recognised in Icheon's designation as a "
            "UNESCO Creative City of Crafts and Folk Art in 2010."
        ),
        "description_ko": (
            "예스파크에서 무료로 열리는 이천의 도자기 축제입니다. 국제도자비엔날레와 함께 "
            "2010년 이천의 유네스코 공예·민속예술 창의도시 지정에서 인정받았습니다."
        ),
    },
    "UCCN Annual Conference": {
        "slug": "uccn-annual-conference",
        "name_ko": "유네스코 창의도시 네트워크 연차총회",
        "recurrence_en": "every year",
        "recurrence_ko": "매년",
    },
}

# Korean titles of the CSV's events, by English title.
TITLES_KO = {
    "Cheongju Craft Biennale {year}": "청주공예비엔날레 {year}",
    "Korean International Ceramic Biennale {year}": "경기세계도자비엔날레 {year}",
    "Icheon Ceramics Festival {year}": "이천도자기축제 {year}",
    "UCCN Annual Meeting {year}": "유네스코 창의도시 네트워크 연차총회 {year}",
    "UCCN Annual Conference {year}": "유네스코 창의도시 네트워크 연차총회 {year}",
    "Jinju World Folk Arts Biennale {year}": "진주세계민속예술비엔날레 {year}",
    "UNESCO Creative City proclamation ceremony": "유네스코 창의도시 선포식",
    "Creative city ordinance enacted": "창의도시 조례 제정",
    "Gimhae UNESCO Creative City proclamation ceremony": "김해 유네스코 창의도시 선포식",
    "Korean UCCN member cities workshop": "국내 유네스코 창의도시 회원도시 워크숍",
}

# Places named in the CSV: the directory institution they are (when the institutions
# demo has it) and their Korean name for the free-text place otherwise.
PLACES = {
    "Culture Factory": ("culture-factory", "문화제조창", Attendance.ON_SITE),
    "online and Culture Factory": ("culture-factory", "온라인 및 문화제조창", Attendance.HYBRID),
    "Icheon World Ceramic Center": (
        "icheon-world-ceramic-center",
        "이천세계도자센터",
        Attendance.ON_SITE,
    ),
    "Ye's Park": ("yes-park", "예스파크", Attendance.ON_SITE),
    "Clayarch Gimhae Museum": (
        "clayarch-gimhae-museum",
        "클레이아크김해미술관",
        Attendance.ON_SITE,
    ),
    "three venues (Icheon among them)": (None, "이천을 포함한 세 곳", Attendance.ON_SITE),
    "Kraków and Katowice": (None, "크라쿠프, 카토비체", Attendance.ON_SITE),
}
ORGANISERS = {"organiser: Korea Ceramic Foundation": "korea-ceramic-foundation"}

# Korean names of the CSV's cities that are not in the network list (the place is then
# written out, so the event keeps its location); any other unknown city keeps its
# English name in both languages.
CITY_NAMES_KO = {"Braga": "브라가"}

# What the CSV's notes say, written for people (English, Korean).
NOTES = {
    'theme "Tools of Conviviality"; start date not recorded': (
        'Theme: "Tools of Conviviality". The start date was not recorded.',
        '주제: "공생의 도구". 개막일은 기록되지 않았습니다.',
    ),
    "251 artists or teams from 57 countries; about 300,000 visitors": (
        "251 artists or teams from 57 countries; about 300,000 visitors.",
        "57개국 251명(팀)의 작가가 참여했고, 약 30만 명이 관람했습니다.",
    ),
    'theme "Re_Crafting Tomorrow"; 1,300 artists from 72 countries; over 400,000 visitors': (
        'Theme: "Re_Crafting Tomorrow". 1,300 artists from 72 countries; over 400,000 visitors.',
        '주제: "Re_Crafting Tomorrow". 72개국 작가 1,300명이 참여했고, 40만 명 넘게 관람했습니다.',
    ),
    "seed 000 announces it for December 2025": (
        "Cheongju proclaimed its designation as a UNESCO Creative City of Crafts and Folk "
        "Art (announced by UNESCO on 31 October 2025).",
        "청주시가 공예와 민속예술 분야 유네스코 창의도시 지정(2025년 10월 31일 발표)을 "
        "선포했습니다.",
    ),
    "seed 000: enactment planned for February 2026 (day not given)": (
        "Cheongju enacted its creative city ordinance in February 2026, the institutional "
        "framework of the creative city. The day was not recorded; the date shown is the "
        "month's first day.",
        "청주시는 2026년 2월 창의도시 조례를 제정해 창의도시 정책의 제도적 기반을 "
        "마련했습니다. 정확한 날짜는 기록되지 않아 그달 1일로 표시합니다.",
    ),
    "organiser: Korea Ceramic Foundation": (
        "Organised by the Korea Ceramic Foundation.",
        "한국도자재단이 주최했습니다.",
    ),
    "seed 003 mentions the Bologna meeting": (
        "The UNESCO Creative Cities Network meeting in Bologna.",
        "볼로냐에서 열린 유네스코 창의도시 네트워크 회의.",
    ),
    "free entry": ("Free entry.", "무료 입장."),
}

SAMPLE_NOTE_EN = (
    "This is a sample event added by the demo data so that the lists of what is on and "
    "ahead are not empty. Its dates are set relative to the day the demo data was loaded; "
    "it is not a real event."
)
SAMPLE_NOTE_KO = (
    "진행 중이거나 다가오는 행사 목록이 비어 있지 않도록 데모 데이터가 추가한 예시 "
    "행사입니다. 날짜는 데모 데이터를 불러온 날을 기준으로 정해지며, 실제 행사가 "
    "아닙니다."
)


class Counter:
    def __init__(self):
        self.created = self.updated = self.unchanged = 0


def upsert(model, slug, values, counter, m2m=None):
    """Create or update the record with ``slug``, saving only when something differs
    (so that an unchanged record gets no new history entry)."""
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        obj = model(slug=slug, **values)
        obj._change_reason = "demo data"
        obj.save()
        counter.created += 1
    else:
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            obj._change_reason = "demo data"
            obj.save()
            counter.updated += 1
        else:
            counter.unchanged += 1
    for name, related in (m2m or {}).items():
        manager = getattr(obj, name)
        if {item.pk for item in manager.all()} != {item.pk for item in related}:
            manager.set(related)
    return obj


def _title_ko(title_en):
    year = re.search(r"\b(\d{4})\b", title_en)
    pattern = title_en.replace(year.group(1), "{year}") if year else title_en
    template = TITLES_KO.get(pattern, "")
    return template.format(year=year.group(1)) if year and template else template


def _date(text):
    return datetime.date.fromisoformat(text) if text.strip() else None


def load_series(counter):
    series = {}
    for name, spec in SERIES.items():
        values = {
            "name_en": name,
            "name_ko": spec["name_ko"],
            "status": PUBLISHED,
            "founded_year": spec.get("founded_year"),
            "recurrence_en": spec["recurrence_en"],
            "recurrence_ko": spec["recurrence_ko"],
            "description_en": spec.get("description_en", ""),
            "description_ko": spec.get("description_ko", ""),
        }
        series[name] = upsert(EventSeries, spec["slug"], values, counter)
    return series


def load_csv_events(series, counter):
    institutions = {i.slug: i for i in Institution.objects.published()}
    cities = {c.slug: c for c in City.objects.all()}
    with CSV_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        title = row["title_en"].strip()
        start, end = _date(row["start"]), _date(row["end"])
        year = (start or end).year
        slug = slugify(title)
        if not re.search(r"\d{4}", slug):
            slug = f"{slug}-{year}"
        place = row["place"].strip()
        venue_slug, place_ko, attendance = PLACES.get(place, (None, "", Attendance.ON_SITE))
        venue = institutions.get(venue_slug)
        if venue and attendance == Attendance.ON_SITE:
            place_en = place_ko = ""
        else:
            place_en = place
        city_name = row["city"].strip()
        city = cities.get(slugify(city_name)) if city_name else None
        if city_name and city is None and not venue:
            place_en, place_ko = _with_city(place_en, place_ko or place_en, city_name)
        notes = row["notes"].strip()
        summary_en, summary_ko = NOTES.get(notes, ("", ""))
        organisers = [
            institutions[s] for note, s in ORGANISERS.items() if note in notes and s in institutions
        ]
        series_obj = series.get(row["series"].strip())
        spec = SERIES.get(row["series"].strip(), {})
        edition = None
        if spec.get("first_year") and (year - spec["first_year"]) % spec["every"] == 0:
            edition = (year - spec["first_year"]) // spec["every"] + 1
        values = {
            "title_en": title,
            "title_ko": _title_ko(title),
            "kind": row["kind"].strip() or EventKind.OTHER,
            "series": series_obj,
            "edition": edition,
            "parent": None,
            "all_day": True,
            "start_date": start,
            "end_date": end,
            "starts_at": None,
            "ends_at": None,
            "venue": venue,
            "place_en": place_en,
            "place_ko": place_ko,
            "city": city,
            "attendance": attendance,
            "admission_free": notes == "free entry",
            "summary_en": summary_en,
            "summary_ko": summary_ko,
            "event_status": EventStatus.SCHEDULED,
            "status": PUBLISHED,
        }
        event = Event(slug=slug, **values)
        event.full_clean(validate_unique=False, validate_constraints=False)
        upsert(Event, slug, values, counter, m2m={"organisers": organisers})


def _with_city(place_en, place_ko, city_name):
    """The free-text place with the name of a city that is not a City record (the 2024
    UCCN conference in Braga would otherwise have no location at all)."""
    city_ko = CITY_NAMES_KO.get(city_name, city_name)
    if not place_en:
        return city_name, city_ko
    if city_name in place_en:
        return place_en, place_ko
    return f"{place_en}, {city_name}", f"{city_ko} {place_ko}"


def home_venue(home):
    """A venue for the sample events in the home city: a museum or gallery if it has one,
    else a foundation (Icheon's runs the World Ceramic Center's exhibition halls), else
    any of its published institutions (by slug, so that a second run chooses the same),
    or none. Never an institution of another city: the samples are the home city's."""
    if home is None:
        return None
    return (
        Institution.objects.published()
        .filter(city=home)
        .order_by(
            Case(
                When(kind=InstitutionKind.MUSEUM, then=0),
                When(kind=InstitutionKind.FOUNDATION, then=1),
                default=2,
            ),
            "slug",
        )
        .first()
    )


def _at(day, hour):
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def load_samples(counter, today):
    home = City.objects.filter(is_home=True).first()
    venue = home_venue(home)
    common = {
        "series": None,
        "edition": None,
        "venue": venue,
        "city": home,
        "status": PUBLISHED,
        "description_en": SAMPLE_NOTE_EN,
        "description_ko": SAMPLE_NOTE_KO,
        "attendance": Attendance.ON_SITE,
        "place_en": "",
        "place_ko": "",
    }
    exhibition = upsert(
        Event,
        "sample-craft-exhibition",
        {
            **common,
            "title_en": "[Sample] Craft exhibition",
            "title_ko": "[예시] 공예 전시",
            "summary_en": "A sample exhibition, from three days before the demo data was "
            "loaded to a month after.",
            "summary_ko": "데모 데이터를 불러오기 사흘 전부터 한 달 뒤까지 열리는 예시 전시입니다.",
            "kind": EventKind.EXHIBITION,
            "parent": None,
            "all_day": True,
            "start_date": today - datetime.timedelta(days=3),
            "end_date": today + datetime.timedelta(days=30),
            "starts_at": None,
            "ends_at": None,
            "admission_free": True,
            "event_status": EventStatus.SCHEDULED,
        },
        counter,
    )
    class_day = today + datetime.timedelta(days=10)
    upsert(
        Event,
        "sample-craft-class",
        {
            **common,
            "title_en": "[Sample] Hands-on craft class",
            "title_ko": "[예시] 공예 체험 교실",
            "summary_en": "A sample two-hour class in the sample exhibition's programme.",
            "summary_ko": "예시 전시 프로그램의 두 시간짜리 예시 교실입니다.",
            "kind": EventKind.WORKSHOP,
            "parent": exhibition,
            "all_day": False,
            "start_date": class_day,
            "end_date": class_day,
            "starts_at": _at(class_day, 14),
            "ends_at": _at(class_day, 16),
            "admission_free": False,
            "event_status": EventStatus.SCHEDULED,
        },
        counter,
    )
    forum_day = today + datetime.timedelta(days=21)
    upsert(
        Event,
        "sample-creative-city-forum",
        {
            **common,
            "title_en": "[Sample] Creative city forum",
            "title_ko": "[예시] 창의도시 포럼",
            "summary_en": "A sample one-day forum.",
            "summary_ko": "하루 동안 열리는 예시 포럼입니다.",
            "kind": EventKind.CONFERENCE,
            "parent": None,
            "all_day": True,
            "start_date": forum_day,
            "end_date": forum_day,
            "starts_at": None,
            "ends_at": None,
            "admission_free": True,
            "attendance": Attendance.HYBRID,
            "event_status": EventStatus.SCHEDULED,
        },
        counter,
    )
    upsert(
        Event,
        "sample-craft-market",
        {
            **common,
            "title_en": "[Sample] Craft market",
            "title_ko": "[예시] 공예 장터",
            "summary_en": "A sample market, marked as postponed to show how that looks.",
            "summary_ko": "연기된 행사가 어떻게 보이는지 보여 주는 예시 장터입니다.",
            "kind": EventKind.FAIR,
            "parent": None,
            "all_day": True,
            "start_date": today + datetime.timedelta(days=45),
            "end_date": today + datetime.timedelta(days=46),
            "starts_at": None,
            "ends_at": None,
            "admission_free": True,
            "event_status": EventStatus.POSTPONED,
        },
        counter,
    )


def load_repeating_sample(counter, today):
    """A weekly ceramics class on Saturdays from the first Saturday after the day of
    loading, twelve times: the month calendar shows it on each of its days, the feed as
    one rule. Like every sample it is the home city's: in Icheon at the Korea Ceramic
    Foundation's World Ceramic Center (published when Icheon is home), elsewhere at the
    home city's sample venue."""
    home = City.objects.filter(is_home=True).first()
    centre = (
        Institution.objects.published().filter(slug="korea-ceramic-foundation", city=home).first()
        if home is not None
        else None
    ) or home_venue(home)
    first = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    upsert(
        Event,
        "sample-weekly-ceramics-class",
        {
            "series": None,
            "edition": None,
            "parent": None,
            "venue": centre,
            "city": home,
            "place_en": "",
            "place_ko": "",
            "status": PUBLISHED,
            "title_en": "[Sample] Saturday ceramics class",
            "title_ko": "[예시] 토요 도자기 교실",
            "summary_en": "A sample weekly class: wheel throwing for beginners, every "
            "Saturday morning for twelve weeks from the first Saturday after the demo "
            "data was loaded.",
            "summary_ko": "초보자를 위한 물레 성형 예시 교실로, 데모 데이터를 불러온 뒤 첫 "
            "토요일부터 12주 동안 매주 토요일 오전에 열립니다.",
            "description_en": SAMPLE_NOTE_EN,
            "description_ko": SAMPLE_NOTE_KO,
            "kind": EventKind.WORKSHOP,
            "all_day": False,
            "start_date": first,
            "end_date": first + datetime.timedelta(weeks=11),  # the twelfth Saturday
            "starts_at": _at(first, 10),
            "ends_at": _at(first, 12),
            "repeat": "weekly",
            "repeat_interval": 1,
            "repeat_weekdays": "SA",
            "repeat_until": None,
            "repeat_count": 12,
            "attendance": Attendance.ON_SITE,
            "language": "ko",
            "admission_free": False,
            "admission_en": "Materials fee; registration required",
            "admission_ko": "재료비 별도, 사전 신청",
            "event_status": EventStatus.SCHEDULED,
        },
        counter,
    )


def load(*, log, today=None, **kwargs):
    counter = Counter()
    series = load_series(counter)
    load_csv_events(series, counter)
    load_samples(counter, today or timezone.localdate())
    load_repeating_sample(counter, today or timezone.localdate())
    log(
        f"Events: {counter.created} created, {counter.updated} updated, "
        f"{counter.unchanged} unchanged (time zone {settings.TIME_ZONE})."
    )
