"""Demo data for this app (see portal/management/commands/load_demo.py).

``demo/institutions.csv`` is the "Related institutions" table of Icheon's page (seed
001) and the organisations Cheongju's press release names (seed 000), shaped like a
sheet staff would import, and it is loaded through the same import resource, so the
demo also proves the import. Korean names are given only where they are certain;
elsewhere the page shows the English name marked as untranslated. Korean addresses are
the sources' addresses written in Korean; the sources give no street address for the
Cheongju organisations, so theirs is the city alone. No phone number or coordinate is
made up: the Culture Factory's coordinates are those of the landmark (the former tobacco
factory), to about 100 m.

The directory is the home city's: its institutions are published, the sheet's others
stay drafts (an office lists the studios, schools and museums of its own city), so the
home page and the directory show only the home city's whichever city that is.

Idempotent: disciplines are matched on their slug and rows the importer finds
unchanged are skipped, so a second run writes nothing (and adds no history).
"""

import csv
from pathlib import Path

import tablib

from institutions.models import Discipline, Institution
from institutions.resources import InstitutionResource
from portal.blocks.publishing import PublicationStatus

DATA = Path(__file__).resolve().parent / "demo"


class DemoDataError(Exception):
    pass


def _load_disciplines():
    changed = 0
    with (DATA / "disciplines.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            discipline = Discipline.objects.filter(slug=row["slug"]).first() or Discipline(
                slug=row["slug"]
            )
            if (
                discipline.pk
                and discipline.name_en == row["name_en"]
                and discipline.name_ko == row["name_ko"]
            ):
                continue
            discipline.name_en, discipline.name_ko = row["name_en"], row["name_ko"]
            discipline.save()
            changed += 1
    return changed


def _load_institutions(home):
    dataset = tablib.Dataset().load(
        (DATA / "institutions.csv").read_text(encoding="utf-8"), format="csv"
    )
    del dataset["source"]
    result = InstitutionResource().import_data(dataset, dry_run=False)
    if result.has_errors() or result.has_validation_errors():
        problems = [f"row {row.number}: {row.error_dict}" for row in result.invalid_rows]
        problems += [f"row {number}: {errors[0].error}" for number, errors in result.row_errors()]
        raise DemoDataError("The institutions demo sheet did not import: " + "; ".join(problems))
    # Imported rows are drafts (publishing is a separate decision); the demo publishes
    # the home city's and withdraws the others, saving only those whose status differs.
    moved = 0
    for institution in Institution.objects.filter(slug__in=dataset["slug"]).select_related("city"):
        status = (
            PublicationStatus.PUBLISHED
            if institution.city.slug == home
            else PublicationStatus.DRAFT
        )
        if institution.status != status:
            institution.status = status
            institution.save()
            moved += 1
    return result.totals, moved


def load(*, home, log, **kwargs):
    disciplines = _load_disciplines()
    totals, moved = _load_institutions(home)
    log(
        f"Disciplines: {disciplines} added or changed. Institutions: "
        f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged; "
        f"{moved} published or withdrawn."
    )
