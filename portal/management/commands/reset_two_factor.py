from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.blocks.roles import requires_two_factor
from portal.two_factor.devices import reset


class Command(BaseCommand):
    help = (
        "Remove a person's two-step verification devices (authenticator app and recovery "
        "codes), for a lost phone when no superuser can do it in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        removed = reset(user)
        if not removed:
            self.stdout.write(f"{username} had no two-step verification devices.")
            return
        then = (
            "They must set up a new authenticator app at their next login."
            if requires_two_factor(user)
            else "They are asked for no code until they set it up again."
        )
        self.stdout.write(
            self.style.SUCCESS(f"Removed {removed} two-step verification device(s) of {username}.")
        )
        self.stdout.write(then)
