from django.db import migrations


def grant_roles(apps, schema_editor):
    # Editors and Publishers edit documents and edition figures like other content.
    from portal.blocks.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0016_documents"),
        ("events", "0016_figure_kinds"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
