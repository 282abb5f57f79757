"""Events as the national cultural-festival standard dataset (전국문화축제표준데이터),
the columns the Korean public data portal publishes festivals in.

Each column is filled from what an event records, or left empty where it records
nothing that means the same (no column is guessed):

- 축제명: the title; 개최장소: the venue's name (when public), else the free-text place;
- 축제시작일자, 축제종료일자: the dates (YYYY-MM-DD);
- 축제내용: the summary (the description is long Markdown);
- 주최기관명: the published organisers, as the site's Korean calls them (주최 기관);
  주관기관명 and 후원기관명: empty (the site does not tell them apart);
- 전화번호: empty (an event has no phone of its own; the venue's is not the
  festival's inquiry line);
- 홈페이지주소: the event's page on this site; 관련정보: admission and the
  registration link;
- 소재지도로명주소, 위도, 경도: the public venue's address and position;
  소재지지번주소: empty (lot-number addresses are not recorded);
- 데이터기준일자: the day the record last changed.

Values are in the language of the address (/ko/ or /en/), falling back to the other.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from institutions.models import Institution
from portal.blocks.opendata import ROW_LIMIT
from portal.blocks.reversing import reverse_slug
from portal.blocks.translation_status import localized

FESTIVAL_COLUMNS = (
    "축제명",
    "개최장소",
    "축제시작일자",
    "축제종료일자",
    "축제내용",
    "주관기관명",
    "주최기관명",
    "후원기관명",
    "전화번호",
    "홈페이지주소",
    "관련정보",
    "소재지도로명주소",
    "소재지지번주소",
    "위도",
    "경도",
    "데이터기준일자",
)

TRANSLATED = ("title", "place", "summary", "admission")
VENUE_FIELDS = ("slug", "name_ko", "name_en", "address_ko", "address_en", "latitude", "longitude")


def _columns(*names):
    return [f"{name}_{code}" for name in names for code in ("ko", "en")]


def for_dataset(events):
    """Only what the dataset reads, the venue in the same query, at most ROW_LIMIT
    rows."""
    return events.select_related("venue").only(
        "slug",
        "start_date",
        "end_date",
        "admission_free",
        "registration_url",
        "updated_at",
        "status",
        "publish_at",
        *_columns(*TRANSLATED),
        "venue__status",
        "venue__publish_at",
        *(f"venue__{field}" for field in VENUE_FIELDS),
    )[:ROW_LIMIT]


def organiser_names(events):
    """``{event pk: [organiser names]}`` of the published organisers of ``events`` (a
    queryset, read as a subquery): one query, whatever the number of events."""
    links = (
        Event.organisers.through.objects.filter(
            event_id__in=events.values("pk"),
            institution__in=Institution.objects.published().values("pk"),
        )
        .select_related("institution")
        .only("event_id", "institution__name_ko", "institution__name_en", "institution__slug")
        .order_by("event_id", "institution__slug")
    )
    names = {}
    for link in links:
        names.setdefault(link.event_id, []).append(localized(link.institution, "name").text)
    return names


def _related_information(event):
    parts = []
    if event.admission_free:
        parts.append(_("Free admission"))
    admission = localized(event, "admission").text
    if admission:
        parts.append(admission)
    if event.registration_url:
        parts.append(_("Registration: %(url)s") % {"url": event.registration_url})
    return " / ".join(parts)


def festival_rows(events, request):
    """The dataset's rows (in FESTIVAL_COLUMNS order) for ``events``, a filtered
    queryset of published events: two queries."""
    events = for_dataset(events)
    organisers = organiser_names(events)
    for event in events.iterator(chunk_size=2000):
        venue = event.public_venue
        yield [
            localized(event, "title").text,
            localized(venue, "name").text if venue else localized(event, "place").text,
            event.start_date,
            event.end_date,
            localized(event, "summary").text,
            "",
            ", ".join(organisers.get(event.pk, ())),
            "",
            "",
            request.build_absolute_uri(reverse_slug("events:detail", event.slug)),
            _related_information(event),
            localized(venue, "address").text if venue else "",
            "",
            venue.latitude if venue else None,
            venue.longitude if venue else None,
            timezone.localdate(event.updated_at),
        ]
