# The site search on PostgreSQL (portal/blocks/text_search.py): a table's names, and its
# names and short texts, each joined in one trigram-indexed column in place of an index
# a column. Nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchColumns


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0009_search_indexes"),
    ]

    operations = [
        SearchColumns(
            "cities_city",
            ["name_ko", "name_en", "slug"],
            ["summary_ko", "summary_en", "sub_disciplines_ko", "sub_disciplines_en"],
            [
                "name_ko",
                "name_en",
                "slug",
                "summary_ko",
                "summary_en",
                "sub_disciplines_ko",
                "sub_disciplines_en",
            ],
        ),
    ]
