"""Images stored before their width and height were: read them once from storage."""

from django.db import migrations

from portal.blocks.images import backfill_dimensions


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0002_initial'),
    ]

    operations = [
        migrations.RunPython(backfill_dimensions("cities", "City"), migrations.RunPython.noop),
    ]
