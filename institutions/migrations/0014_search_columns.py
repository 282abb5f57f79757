# The site search on PostgreSQL (portal/blocks/text_search.py): a table's names, and its
# names and short texts, each joined in one trigram-indexed column in place of an index
# a column. Nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchColumns


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0013_search_indexes"),
    ]

    operations = [
        SearchColumns(
            "institutions_institution",
            ["name_ko", "name_en"],
            ["summary_ko", "summary_en", "address_ko", "address_en"],
            ["name_ko", "name_en", "summary_ko", "summary_en", "address_ko", "address_en"],
        ),
        SearchColumns(
            "institutions_discipline", ["name_ko", "name_en"], [], ["name_ko", "name_en"]
        ),
    ]
