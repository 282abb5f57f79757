# The site search on PostgreSQL (portal/blocks/text_search.py); nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0009_search_indexes"),
        ("institutions", "0012_gallery_translation_stamps"),
    ]

    operations = [
        SearchIndexes(
            "institutions_institution",
            ["name_ko", "name_en", "summary_ko", "summary_en", "address_ko", "address_en"],
            ["description_ko", "description_en"],
        ),
        SearchIndexes("institutions_discipline", ["name_ko", "name_en"]),
    ]
