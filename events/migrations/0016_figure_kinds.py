from django.db import migrations

# The figures every edition of a series is likely to record; the office adds others.
KINDS = [
    ("visitors", "관람객", "Visitors", 10),
    ("artists", "참여 작가", "Artists", 20),
    ("countries", "참여 국가", "Participating countries", 30),
    ("programmes", "프로그램", "Programmes", 40),
]


def add_kinds(apps, schema_editor):
    FigureKind = apps.get_model("events", "FigureKind")
    for slug, name_ko, name_en, order in KINDS:
        FigureKind.objects.get_or_create(
            slug=slug,
            defaults={"name": name_ko, "name_ko": name_ko, "name_en": name_en, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0015_edition_figures")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
