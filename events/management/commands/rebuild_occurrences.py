"""Write again the dates of every repeating event (``EventOccurrence``) from its rule.

``Event.save()`` keeps them in step; this is for rows changed without it (an
``.update()``, a restore of a backup, a database edited by hand). Idempotent.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from events.models import Event, EventOccurrence
from portal.blocks.caching.tags import bump


class Command(BaseCommand):
    help = "Write the dates of every repeating event again from its rule."

    def handle(self, *args, **options):
        with transaction.atomic():
            stale = EventOccurrence.objects.filter(event__repeat="")
            removed, _ = stale.delete()
            repeating = Event.objects.exclude(repeat="").defer(
                "description", "description_ko", "description_en"
            )
            count = 0
            for event in repeating.iterator(chunk_size=200):
                event.sync_occurrences()
                count += 1
            if count or removed:
                transaction.on_commit(lambda: bump(["m:events.event"]))
        self.stdout.write(f"{count} repeating events written again; {removed} stray dates removed.")
