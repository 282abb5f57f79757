"""Demo data for this app (see portal/management/commands/load_demo.py).

Sources, all shipped in cities/demo/ or quoted from the seed documents:
- network-cities.csv: the network members (from the project's sourced data), loaded through the
  same CityResource staff use in the admin, so the demo exercises the real import;
- coordinates.csv: each network city's approximate centre (decimal degrees, four places:
  about ten metres, more than a world map needs), for the maps;
- partnerships.csv: partnerships and exchange visits of Korean crafts cities; Icheon's
  sister-city agreements are also steps of its journey;
- events.csv (events app): the day of Cheongju's proclamation ceremony;
- seed 000 (Cheongju press release, 5 Nov 2025): Cheongju's journey, introduction and
  population; seeds 001 and 002 (Icheon's and Jinju's programme pages): their
  designations. Korean texts are translations of those English sources, and Korean
  city names the sources give only in English are the standard Korean exonyms.

Every text says what happened, in the past tense, so that it stays true after its date
(the press release announced the ceremony and the ordinance as plans).

Idempotent: every record is looked up by its natural key and saved only when a value
differs, so a second run writes nothing (and adds no history entries).
"""

import csv
import datetime
import decimal
from pathlib import Path

import tablib
from django.utils.text import slugify

from cities.models import City, CreativeField, Milestone, Partnership, PartnershipKind
from cities.resources import CityResource
from portal.blocks.fields import DatePrecision
from portal.blocks.publishing import PublicationStatus

DATA = Path(__file__).resolve().parent / "demo"
PUBLISHED = PublicationStatus.PUBLISHED


class UnknownHomeCity(Exception):
    pass


# Facts beyond the network list, per city (seeds 000, 001, 002; Lyon's change of field
# is noted in network-cities.csv).
CITY_FACTS = {
    "cheongju": {
        "population": 880_000,
        "summary_en": (
            "Cheongju joined the UNESCO Creative Cities Network in Crafts and Folk Art on "
            "31 October 2025, the only Korean city admitted that year."
        ),
        "summary_ko": (
            "청주는 2025년 10월 31일 유네스코 창의도시 네트워크 공예·민속예술 분야에 "
            "가입했습니다. 그해 새로 가입한 국내 유일의 도시입니다."
        ),
        "description_en": (
            "Launched in 1999, the **Cheongju Craft Biennale** has become a cornerstone of "
            "the global craft scene. The Culture Factory turned industrial heritage into a "
            "cultural space that brings together production, exhibition and education.\n\n"
            "On joining the network, Cheongju set out a multi-year roadmap:\n\n"
            "- a sustainable cultural environment;\n"
            "- everyday craft initiatives led by citizens;\n"
            "- helping young craft artists reach the global market.\n\n"
            "The city proclaimed its designation at the Culture Factory on 2 December 2025, "
            "and a creative city ordinance, enacted in February 2026, gives this work an "
            "institutional framework."
        ),
        "description_ko": (
            "1999년에 시작한 **청주공예비엔날레**는 세계 공예계의 중심 행사로 자리 "
            "잡았습니다. 문화제조창은 산업 유산을 생산·전시·교육이 어우러진 문화 공간으로 "
            "바꾼 곳입니다.\n\n"
            "네트워크에 가입하며 청주는 다년간의 로드맵을 세웠습니다.\n\n"
            "- 지속 가능한 문화 환경 조성\n"
            "- 시민이 이끄는 일상 속 공예\n"
            "- 청년 공예 작가의 세계 시장 진출 지원\n\n"
            "2025년 12월 2일 문화제조창에서 창의도시 지정을 선포했고, 2026년 2월 제정한 "
            "창의도시 조례가 이 사업의 제도적 기반입니다."
        ),
    },
    "icheon": {
        "summary_en": (
            "Icheon, a city of ceramics, became Korea's first UNESCO Creative City of "
            "Crafts and Folk Art in 2010."
        ),
        "summary_ko": "도자기의 도시 이천은 2010년 국내 최초로 유네스코 공예·민속예술 "
        "창의도시가 되었습니다.",
        "description_en": (
            "Icheon is a city of ceramics: many ceramic artists and people of the ceramic "
            "industry work here, and its schools, research institutes and infrastructure "
            "for ceramics are well established.\n\n"
            "The quality of its International Ceramic Biennale and ceramic festivals, and an "
            "organisation able to run the festival and specialised ceramic work, led to its "
            "designation as a UNESCO Creative City of Crafts and Folk Art in 2010, the first "
            "in Korea.\n\n"
            "Membership gives the city the opportunity to introduce Korean crafts and folk "
            "art to the world, to share cultures with cities across the world, and to "
            "contribute to cultural diversity."
        ),
        "description_ko": (
            "이천은 많은 도예가와 도자 산업 종사자가 모여 있고, 도자 관련 교육 기관과 "
            "연구 기관, 기반 시설이 잘 갖춰진 도자 특화 도시입니다.\n\n"
            "국제도자비엔날레와 도자기 축제의 우수한 운영, 축제와 도자 전문 사업을 맡을 "
            "전담 조직을 갖춘 점을 인정받아 2010년 국내 최초로 유네스코 공예·민속예술 "
            "창의도시로 지정되었습니다.\n\n"
            "네트워크 가입으로 이천은 한국의 공예와 민속예술을 세계에 알리고, 세계 여러 "
            "도시와 문화를 나누며, 세계 문화 다양성에 이바지할 기회를 얻었습니다."
        ),
    },
    "jinju": {
        "summary_en": (
            "Jinju was designated a UNESCO Creative City of Crafts and Folk Art on 30 October 2019."
        ),
        "summary_ko": "진주는 2019년 10월 30일 유네스코 공예·민속예술 창의도시로 지정되었습니다.",
    },
    "lyon": {
        "previous_field": CreativeField.MEDIA_ARTS,
        "field_changed_year": 2023,
    },
}

Y, M, D = DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY

# (city slug, date, precision, title en, title ko, text en, text ko)
MILESTONES = [
    (
        "cheongju",
        datetime.date(2018, 1, 1),
        Y,
        "Candidate city",
        "창의도시 후보 도시로 출발",
        "Cheongju began its journey as a candidate city for the UNESCO Creative Cities Network.",
        "청주가 유네스코 창의도시 네트워크 가입을 위한 후보 도시로 첫걸음을 내디뎠습니다.",
    ),
    (
        "cheongju",
        datetime.date(2023, 1, 1),
        Y,
        "Strategic plan to join the network",
        "네트워크 가입 전략 수립",
        "The city laid out a strategic plan to join the network and partnered with seven key "
        "organisations, including the Cheongju Cultural Industry Promotion Foundation and the "
        "Sustainable Development Council.",
        "네트워크 가입 전략을 세우고 청주시문화산업진흥재단, 지속가능발전협의회 등 7개 "
        "주요 기관과 협력 체계를 갖췄습니다.",
    ),
    (
        "cheongju",
        datetime.date(2024, 1, 1),
        Y,
        "National recommendation",
        "국내 추천 도시 선정",
        "The Korean National Commission for UNESCO selected Cheongju as the sole recommended "
        "Korean city.",
        "유네스코한국위원회가 청주를 국내 유일의 추천 도시로 선정했습니다.",
    ),
    (
        "cheongju",
        datetime.date(2024, 3, 1),
        M,
        "Application to UNESCO",
        "유네스코 가입 신청",
        "Cheongju submitted its official application to UNESCO headquarters.",
        "청주가 유네스코 본부에 공식 가입 신청서를 제출했습니다.",
    ),
    (
        "cheongju",
        datetime.date(2025, 10, 31),
        D,
        "Designated a UNESCO Creative City of Crafts and Folk Art",
        "유네스코 공예·민속예술 창의도시 지정",
        "UNESCO headquarters announced Cheongju (31 October, Paris time) as the only new "
        "member of the network from Korea, eight months after its application. With it, "
        "Korea counted 13 UNESCO Creative Cities.",
        "유네스코 본부가 파리 현지 시각 10월 31일, 청주를 그해 국내에서 유일하게 새로 "
        "가입한 도시로 발표했습니다. 신청 8개월 만의 최종 승인으로, 국내 유네스코 "
        "창의도시는 13곳이 되었습니다.",
    ),
    (
        "cheongju",
        datetime.date(2025, 12, 2),
        D,
        "Proclamation ceremony",
        "창의도시 선포식",
        "Cheongju proclaimed its designation as a UNESCO Creative City at a ceremony at the "
        "Culture Factory.",
        "문화제조창에서 선포식을 열어 유네스코 창의도시 지정을 선포했습니다.",
    ),
    (
        "cheongju",
        datetime.date(2026, 2, 1),
        M,
        "Creative city ordinance",
        "창의도시 조례 제정",
        "Cheongju enacted a creative city ordinance, the institutional framework of the "
        "creative city.",
        "창의도시 조례를 제정해 창의도시의 제도적 기반을 마련했습니다.",
    ),
    (
        "icheon",
        datetime.date(2010, 1, 1),
        Y,
        "Designated a UNESCO Creative City of Crafts and Folk Art, the first in Korea",
        "국내 최초 유네스코 공예·민속예술 창의도시 지정",
        "Recognised for its International Ceramic Biennale, its ceramic festivals and the "
        "organisation that runs them.",
        "국제도자비엔날레와 도자기 축제, 이를 운영하는 전담 조직을 인정받았습니다.",
    ),
    (
        "icheon",
        datetime.date(2013, 11, 1),
        M,
        "Sister-city agreement with Santa Fe",
        "산타페와 자매도시 협정",
        "Icheon and Santa Fe, a UNESCO Creative City of Crafts and Folk Art since 2005, "
        "became sister cities.",
        "이천과 2005년부터 유네스코 공예·민속예술 창의도시인 산타페가 자매도시가 되었습니다.",
    ),
    (
        "icheon",
        datetime.date(2015, 4, 1),
        M,
        "Sister-city agreement with Limoges",
        "리모주와 자매도시 협정",
        "Icheon and Limoges became sister cities. Limoges joined the network as a City of "
        "Crafts and Folk Art in 2017.",
        "이천과 리모주가 자매도시가 되었습니다. 리모주는 2017년 공예·민속예술 분야로 "
        "네트워크에 가입했습니다.",
    ),
    (
        "jinju",
        datetime.date(2019, 10, 30),
        D,
        "Designated a UNESCO Creative City of Crafts and Folk Art",
        "유네스코 공예·민속예술 창의도시 지정",
        "Designated on 30 October 2019 (local time).",
        "2019년 10월 30일(현지 시각) 지정되었습니다.",
    ),
]

# partnerships.csv gives English titles only; these are their translations, and the
# descriptions restate the file's notes (or, without notes, what the network list says
# of the partner).
PARTNERSHIP_KO = {
    "Icheon and Santa Fe sister-city agreement": "이천–산타페 자매도시 협정",
    "Icheon and Limoges sister-city agreement": "이천–리모주 자매도시 협정",
    "Jinju delegation visits Kanazawa": "진주시 대표단 가나자와 방문",
    "Jinju delegation visits Bologna and Fabriano": "진주시 대표단 볼로냐·파브리아노 방문",
    "Jinju delegation visits Limoges": "진주시 대표단 리모주 방문",
}
NOTES = {
    "8 visitors": ("A delegation of eight.", "방문단 8명."),
    "also Fabriano": ("The delegation also visited Fabriano.", "파브리아노도 방문했습니다."),
}
DESCRIPTIONS = {
    "Icheon and Santa Fe sister-city agreement": (
        "Icheon and Santa Fe, both UNESCO Creative Cities of Crafts and Folk Art, became "
        "sister cities in November 2013.",
        "유네스코 공예·민속예술 창의도시인 이천과 산타페가 2013년 11월 자매도시가 되었습니다.",
    ),
    "Icheon and Limoges sister-city agreement": (
        "Icheon and Limoges became sister cities in April 2015; Limoges joined the network "
        "as a City of Crafts and Folk Art in 2017.",
        "이천과 리모주가 2015년 4월 자매도시가 되었습니다. 리모주는 2017년 공예·민속예술 "
        "분야로 네트워크에 가입했습니다.",
    ),
}
KINDS = {
    label.lower(): key
    for key, label in [
        (PartnershipKind.SISTER_CITY, "sister city"),
        (PartnershipKind.MOU, "mou"),
        (PartnershipKind.JOINT_PROJECT, "joint project"),
        (PartnershipKind.EXCHANGE_VISIT, "exchange visit"),
        (PartnershipKind.WORKING_GROUP, "network working group"),
    ]
}


def _upsert(model, lookup, values):
    """Create, update or leave alone; save (and so record history) only on a change.
    Returns "created", "updated" or "unchanged"."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    return "updated"


def _partial_date(text):
    """'2013-11' -> (1 Nov 2013, month); '2016-12-21' -> (that day, day)."""
    text = (text or "").strip()
    if not text:
        return None, DatePrecision.DAY
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 1, 1), DatePrecision.YEAR
    if len(parts) == 2:
        return datetime.date(parts[0], parts[1], 1), DatePrecision.MONTH
    return datetime.date(*parts), DatePrecision.DAY


def _load_network():
    dataset = tablib.Dataset().load(
        (DATA / "network-cities.csv").read_text(encoding="utf-8"), format="csv"
    )
    del dataset["source"]
    dataset.append_col([PUBLISHED] * len(dataset), header="status")
    result = CityResource().import_data(dataset, raise_errors=True)
    return result.totals


def load(*, home, log, **kwargs):
    with (DATA / "network-cities.csv").open(encoding="utf-8") as handle:
        names = {row["name_en"]: row for row in csv.DictReader(handle)}
    slugs = {slugify(name) for name in names}
    if home not in slugs:
        raise UnknownHomeCity(
            f"Unknown home city “{home}”. Choose one of: {', '.join(sorted(slugs))}."
        )

    totals = _load_network()
    log(
        f"Network cities: {totals['new']} new, {totals['update']} updated, "
        f"{totals['skip']} unchanged."
    )

    cities = {city.slug: city for city in City.objects.all()}
    by_name = {city.name_en: city for city in cities.values()}
    for slug, facts in CITY_FACTS.items():
        _upsert(City, {"slug": slug}, facts)
    with (DATA / "coordinates.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _upsert(
                City,
                {"slug": by_name[row["name_en"]].slug},
                {
                    "latitude": decimal.Decimal(row["latitude"]),
                    "longitude": decimal.Decimal(row["longitude"]),
                },
            )
    cities[home].refresh_from_db()
    cities[home].make_home()
    log(f"Home city: {cities[home].name_en}.")

    outcome = []
    with (DATA / "partnerships.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            start, start_precision = _partial_date(row["start"])
            end, end_precision = _partial_date(row["end"])
            note_en, note_ko = NOTES.get(row["notes"]) or DESCRIPTIONS.get(
                row["title_en"], ("", "")
            )
            outcome.append(
                _upsert(
                    Partnership,
                    {
                        "city": by_name[row["city"]],
                        "partner": by_name[row["partner"]],
                        "title_en": row["title_en"],
                    },
                    {
                        "kind": KINDS[row["kind"].lower()],
                        "title_ko": PARTNERSHIP_KO[row["title_en"]],
                        "start_date": start,
                        "start_precision": start_precision,
                        "end_date": end,
                        "end_precision": end_precision,
                        "description_en": note_en,
                        "description_ko": note_ko,
                        "status": PUBLISHED,
                    },
                )
            )
    for slug, date, precision, title_en, title_ko, text_en, text_ko in MILESTONES:
        outcome.append(
            _upsert(
                Milestone,
                {"city": cities[slug], "title_en": title_en},
                {
                    "date": date,
                    "date_precision": precision,
                    "title_ko": title_ko,
                    "text_en": text_en,
                    "text_ko": text_ko,
                    "status": PUBLISHED,
                },
            )
        )
    log(
        f"Partnerships and milestones: {outcome.count('created')} new, "
        f"{outcome.count('updated')} updated, {outcome.count('unchanged')} unchanged."
    )
