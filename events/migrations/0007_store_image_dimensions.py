"""Images stored before their width and height were: read them once from storage."""

from django.db import migrations

from portal.blocks.images import backfill_dimensions


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_indexes_cover_status'),
    ]

    operations = [
        migrations.RunPython(backfill_dimensions("events", "Event"), migrations.RunPython.noop),
    ]
