# The site search on PostgreSQL (portal/blocks/text_search.py): a table's names, and its
# names and short texts, each joined in one trigram-indexed column in place of an index
# a column. Nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchColumns


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_figure_kinds"),
        # An event is found by its venue's name: the venues' names column.
        ("institutions", "0014_search_columns"),
    ]

    operations = [
        SearchColumns(
            "events_event",
            ["title_ko", "title_en"],
            ["summary_ko", "summary_en", "place_ko", "place_en"],
            ["title_ko", "title_en", "summary_ko", "summary_en", "place_ko", "place_en"],
        ),
        SearchColumns("events_eventseries", ["name_ko", "name_en"], [], ["name_ko", "name_en"]),
    ]
