# The site search on PostgreSQL (portal/blocks/text_search.py); nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0009_search_indexes"),
        ("portal", "0014_revision_reason"),
    ]

    operations = [
        SearchIndexes(
            "portal_news",
            ["title_ko", "title_en", "summary_ko", "summary_en"],
            ["body_ko", "body_en"],
        ),
        SearchIndexes("portal_page", ["title_ko", "title_en"], ["body_ko", "body_en"]),
    ]
