# The site search on PostgreSQL (portal/blocks/text_search.py); nothing on SQLite.

from django.db import migrations

from portal.blocks.text_search import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0009_search_indexes"),
        ("events", "0013_repeating_events"),
    ]

    operations = [
        SearchIndexes(
            "events_event",
            ["title_ko", "title_en", "summary_ko", "summary_en", "place_ko", "place_en"],
            ["description_ko", "description_en"],
            ["kind"],
        ),
        SearchIndexes("events_eventseries", ["name_ko", "name_en"]),
    ]
