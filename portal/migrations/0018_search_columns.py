# The site search on PostgreSQL (portal/blocks/text_search.py): a table's names, and its
# names and short texts, each joined in one trigram-indexed column in place of an index
# a column. Nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchColumns


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0017_document_roles"),
    ]

    operations = [
        SearchColumns(
            "portal_news",
            ["title_ko", "title_en"],
            ["summary_ko", "summary_en"],
            ["title_ko", "title_en", "summary_ko", "summary_en"],
        ),
        SearchColumns("portal_page", ["title_ko", "title_en"], [], ["title_ko", "title_en"]),
        # The documents list's search words (no search index before).
        SearchColumns("portal_document", ["title_ko", "title_en"], ["summary_ko", "summary_en"]),
    ]
