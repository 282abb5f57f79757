"""Demo documents (see portal/management/commands/load_demo.py): a sample partnership
agreement of the home city with one of its partner cities, and a sample press kit of the
latest Cheongju Craft Biennale edition in the data. Each file is a small PDF written
here (no network, no library), and every title, summary and file says it is a sample,
not an official document. Idempotent: keyed on the slug, saved only on a change, and a
file is written only for a new record."""

import datetime

from django.core.files.base import ContentFile

from cities.models import City, Partnership
from events.models import Event
from portal.blocks.gallery import Licence
from portal.blocks.publishing import PublicationStatus
from portal.documents import Document, DocumentKind, DocumentLanguage


def _pdf_text(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def sample_pdf(lines):
    """A valid one-page PDF showing ``lines`` (ASCII: the standard Helvetica font has
    no Hangul), with its cross-reference table and trailer."""
    text = "\n".join(
        f"BT /F1 {18 if index == 0 else 12} Tf 72 {740 - index * 28} Td ({_pdf_text(line)}) Tj ET"
        for index, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


SAMPLE_LINE = "SAMPLE generated for the demo of this website. Not an official document."


def _upsert(slug, values, lines, links, log):
    document = Document.objects.filter(slug=slug).first()
    if document is None:
        document = Document(slug=slug, **values)
        document.file.save(
            f"{slug}.pdf", ContentFile(sample_pdf(lines), name=f"{slug}.pdf"), save=False
        )
        document._change_reason = "demo data"
        document.save()
        log(f"  created document {slug}")
    else:
        changed = {
            name: value for name, value in values.items() if getattr(document, name) != value
        }
        if changed:
            for name, value in changed.items():
                setattr(document, name, value)
            document._change_reason = "demo data"
            document.save()
            log(f"  updated document {slug}")
    for name, related in links.items():
        manager = getattr(document, name)
        if {item.pk for item in manager.all()} != {item.pk for item in related}:
            manager.set(related)
    return document


def load(*, home, log, **kwargs):
    home_city = City.objects.filter(slug=home).first()
    partnership = (
        Partnership.objects.filter(city=home_city).select_related("partner").order_by("pk").first()
        or Partnership.objects.filter(partner=home_city)
        .select_related("city")
        .order_by("pk")
        .first()
        if home_city
        else None
    )
    if partnership is not None:
        partner = partnership.partner if partnership.city_id == home_city.pk else partnership.city
        _upsert(
            "sample-partnership-agreement",
            {
                "title_ko": f"[예시] {home_city.name_ko}–{partner.name_ko} 교류 협약서",
                "title_en": f"[Sample] {home_city.name_en}–{partner.name_en} partnership agreement",
                "summary_ko": "데모용으로 만든 예시 파일입니다. 실제 협약서가 아닙니다.",
                "summary_en": "A sample file made for the demo. It is not the real agreement.",
                "kind": DocumentKind.AGREEMENT,
                "language": DocumentLanguage.SEVERAL,
                "date": partnership.start_date or datetime.date(2020, 1, 1),
                "licence": Licence.GENERATED,
                "status": PublicationStatus.PUBLISHED,
            },
            [
                f"[Sample] {home_city.name_en} - {partner.name_en} partnership agreement",
                SAMPLE_LINE,
            ],
            {"cities": [home_city, partner], "events": [], "news": []},
            log,
        )
    biennale = (
        Event.objects.filter(series__slug="cheongju-craft-biennale", parent__isnull=True)
        .order_by("-end_date")
        .first()
    )
    if biennale is not None:
        _upsert(
            "sample-biennale-press-kit",
            {
                "title_ko": f"[예시] {biennale.title_ko} 보도자료",
                "title_en": f"[Sample] {biennale.title_en} press kit",
                "summary_ko": "데모용으로 만든 예시 파일입니다. 행사의 실제 보도자료가 아닙니다.",
                "summary_en": "A sample file made for the demo, not the event's real press kit.",
                "kind": DocumentKind.PRESS_KIT,
                "language": DocumentLanguage.ENGLISH,
                "date": biennale.start_date or biennale.end_date,
                "licence": Licence.GENERATED,
                "status": PublicationStatus.PUBLISHED,
            },
            [f"[Sample] {biennale.title_en} press kit", SAMPLE_LINE],
            {"cities": [biennale.city] if biennale.city else [], "events": [biennale], "news": []},
            log,
        )
