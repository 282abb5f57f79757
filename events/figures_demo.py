"""Demo figures of the Cheongju Craft Biennale's editions: only the numbers the events
demo data already gives in its notes (events/demo/events.csv, "public record"), and
their source says so. Idempotent: one figure per edition and kind, saved only on a
change."""

from events.figures import STANDARD_KINDS, EditionFigure, FigureKind
from events.models import Event

SOURCE_EN = "Demo data: summary of public records (events.csv); check before reuse"
SOURCE_KO = "데모 데이터: 공개 기록 요약(events.csv). 인용 전에 확인하세요"

# (edition slug, kind slug, value), as the CSV's notes give them: "about 300,000" and
# "over 400,000" visitors are recorded as 300,000 and 400,000.
FIGURES = [
    ("cheongju-craft-biennale-2023", "artists", 251),
    ("cheongju-craft-biennale-2023", "countries", 57),
    ("cheongju-craft-biennale-2023", "visitors", 300_000),
    ("cheongju-craft-biennale-2025", "artists", 1_300),
    ("cheongju-craft-biennale-2025", "countries", 72),
    ("cheongju-craft-biennale-2025", "visitors", 400_000),
]


def load(*, log, **kwargs):
    # The migration adds these; a database emptied since (tests) has lost them.
    for slug, name_ko, name_en, order in STANDARD_KINDS:
        FigureKind.objects.get_or_create(
            slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "order": order}
        )
    kinds = {kind.slug: kind for kind in FigureKind.objects.all()}
    events = {
        event.slug: event
        for event in Event.objects.filter(slug__in={slug for slug, _kind, _value in FIGURES})
    }
    written = 0
    for slug, kind_slug, value in FIGURES:
        event, kind = events.get(slug), kinds.get(kind_slug)
        if event is None or kind is None:
            continue
        values = {"value": value, "source_en": SOURCE_EN, "source_ko": SOURCE_KO}
        figure = EditionFigure.objects.filter(event=event, kind=kind).first()
        if figure is None:
            figure = EditionFigure(event=event, kind=kind, **values)
        elif all(getattr(figure, name) == wanted for name, wanted in values.items()):
            continue
        for name, wanted in values.items():
            setattr(figure, name, wanted)
        figure._change_reason = "demo data"
        figure.save()
        written += 1
    log(f"Edition figures: {written} written.")
