"""Images stored before their width and height were: read them once from storage."""

from django.db import migrations

from portal.blocks.images import backfill_dimensions


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0008_recent_index_in_page_order'),
    ]

    operations = [
        migrations.RunPython(backfill_dimensions("institutions", "Institution"), migrations.RunPython.noop),
    ]
