"""Images stored before their width and height were: read them once from storage."""

from django.db import migrations

from portal.blocks.images import backfill_dimensions


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0003_history_of_links'),
    ]

    operations = [
        migrations.RunPython(backfill_dimensions("portal", "News"), migrations.RunPython.noop),
    ]
