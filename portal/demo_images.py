"""The demo's pictures: drawn in code (``portal.blocks.generated_images``), credited and
licensed as generated for the demo, never passed off as photographs of a real place.

The home city gets a picture and a gallery of three, a few of its partner (or peer)
cities, its institutions, the sample events and the published news one picture each,
in the city's palette. Only a record without a picture gets one, so loading again
changes nothing, and a picture staff uploaded is never replaced.
"""

from django.core.files.base import ContentFile

from cities.models import City, CityImage
from events.models import Event
from institutions.models import Institution
from portal.blocks.gallery import Licence
from portal.blocks.generated_images import STYLES, generated_image, palette_for
from portal.models import News

PARTNER_CITIES = 4
# What each style shows, as its alt text and gallery caption (Korean, English).
ALT = {
    "glaze": (
        "데모용 생성 이미지: 흘러내린 유약 줄기와 잔금을 본뜬 추상 무늬",
        "Generated demo picture: an abstract pattern of glaze runs and fine crackle",
    ),
    "celadon": (
        "데모용 생성 이미지: 청자 상감의 둥근 무늬를 본뜬 반복 문양",
        "Generated demo picture: rows of rings after celadon inlay",
    ),
    "shapes": (
        "데모용 생성 이미지: 원과 판 모양이 겹쳐진 추상 구성",
        "Generated demo picture: overlapping discs and slabs, an abstract composition",
    ),
}
CAPTIONS = {
    "glaze": ("유약의 흐름 (생성 이미지)", "Glaze runs (generated picture)"),
    "celadon": ("상감 문양 (생성 이미지)", "Inlay pattern (generated picture)"),
    "shapes": ("도자의 형태 (생성 이미지)", "Ceramic forms (generated picture)"),
}
CREDIT = ("데모용 생성 이미지", "Generated for the demo")


def _draw(record, seed, palette, style):
    """Store a picture drawn for ``seed`` as ``record``'s image (not saved yet)."""
    data = generated_image(seed, palette=palette, style=style)
    record.image.save(f"{seed}.jpg", ContentFile(data), save=False)
    record.image_alt_ko, record.image_alt_en = ALT[style]


def _illustrate(records, palette_of, log):
    count = 0
    for index, record in enumerate(records):
        if record.image:
            continue
        style = STYLES[index % len(STYLES)]
        _draw(record, f"{record._meta.model_name}-{record.slug}", palette_of(record), style)
        record.save()
        count += 1
    if count:
        log(f"  drew {count} pictures of {records.model._meta.model_name} records")


def load(*, home, log, **kwargs):
    home_city = City.objects.filter(slug=home).first()
    if home_city is None:
        return
    home_palette = palette_for(home_city.slug)
    partners = (
        City.objects.published()
        .home_with_partners_or_peers()
        .exclude(pk=home_city.pk)
        .order_by("slug")[:PARTNER_CITIES]
    )
    _illustrate(City.objects.filter(pk=home_city.pk), lambda city: home_palette, log)
    _illustrate(
        City.objects.filter(pk__in=[city.pk for city in partners]).order_by("slug"),
        lambda city: palette_for(city.slug),
        log,
    )
    _illustrate(
        Institution.objects.filter(city=home_city).order_by("slug"),
        lambda institution: home_palette,
        log,
    )
    _illustrate(
        Event.objects.filter(slug__startswith="sample-").order_by("slug"),
        lambda event: home_palette,
        log,
    )
    _illustrate(News.objects.published().order_by("slug"), lambda news: home_palette, log)
    if not home_city.gallery.exists():
        for position, style in enumerate(STYLES, start=1):
            picture = CityImage(
                city=home_city,
                position=position,
                licence=Licence.GENERATED,
                caption_ko=CAPTIONS[style][0],
                caption_en=CAPTIONS[style][1],
                credit_ko=CREDIT[0],
                credit_en=CREDIT[1],
            )
            _draw(picture, f"gallery-{home_city.slug}-{position}", home_palette, style)
            picture.save()
        log(f"  drew a gallery of {len(STYLES)} pictures for {home_city.slug}")
