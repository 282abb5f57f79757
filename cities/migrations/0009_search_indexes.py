# The site search on PostgreSQL (portal/blocks/text_search.py): pg_trgm, then trigram
# and full-text GIN indexes. Both operations do nothing on SQLite.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from portal.blocks.text_search import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0008_partner_corrections"),
    ]

    operations = [
        TrigramExtension(),
        SearchIndexes(
            "cities_city",
            [
                "name_ko",
                "name_en",
                "slug",
                "summary_ko",
                "summary_en",
                "sub_disciplines_ko",
                "sub_disciplines_en",
            ],
            ["description_ko", "description_en"],
        ),
    ]
