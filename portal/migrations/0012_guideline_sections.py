"""The roles' permissions on the reports, and the default report sections
(portal.reports.GUIDELINE_SECTIONS)."""

from django.db import migrations

def add_sections(apps, schema_editor):
    from portal.reports import add_guideline_sections

    add_guideline_sections(apps.get_model("portal", "GuidelineSection"))


def grant_roles(apps, schema_editor):
    # Editors and Publishers work on the reports like on any content.
    from portal.blocks.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_monitoring_reports")]

    operations = [
        migrations.RunPython(add_sections, migrations.RunPython.noop),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
