"""Load the demo data: the network, partnerships and journey of the home city, its
institutions, events and news. Idempotent: running it again changes nothing.

The home city is Icheon unless ``--home`` names another network city; what the site
shows as the office's own (the directory, the news) follows it, so ``--home cheongju``
gives Cheongju's portal. Every fact comes from the sourced data files shipped in each
app's ``demo/`` folder.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cities import correction_demo
from cities import demo as cities_demo
from events import demo as events_demo
from events import figures_demo
from institutions import demo as institutions_demo
from portal import demo as portal_demo
from portal import demo_images, documents_demo, identity_demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo data. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--home",
            default="icheon",
            help="Slug of the network city this portal belongs to (default: icheon; "
            "cheongju also has its own institutions and news).",
        )
        parser.add_argument(
            "--users",
            action="store_true",
            help="Also create demo staff accounts (editor, publisher, admin) and print "
            "their passwords (DEMO_PASSWORD sets them). Implied when DEBUG is on.",
        )

    def handle(self, *args, home, users, **options):
        log = self.stdout.write
        try:
            with transaction.atomic():
                cities_demo.load(home=home, log=log)
                correction_demo.load(log=log)
                institutions_demo.load(home=home, log=log)
                events_demo.load(log=log)
                figures_demo.load(log=log)
                portal_demo.load(home=home, log=log, users=users or settings.DEBUG)
                identity_demo.load(log=log)
                demo_images.load(home=home, log=log)
                documents_demo.load(home=home, log=log)
        except cities_demo.UnknownHomeCity as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
