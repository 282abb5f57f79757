from django.core.management.base import BaseCommand

from portal.blocks.roles import sync_roles


class Command(BaseCommand):
    help = "Create or refresh the Editor and Publisher groups and their permissions."

    def handle(self, *args, **options):
        sync_roles()
        self.stdout.write(self.style.SUCCESS("Roles are up to date."))
