from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from events.alerts.digest import send_digests


class Command(BaseCommand):
    help = (
        "Mail each confirmed subscriber the events published since their last digest, "
        "and delete unconfirmed subscriptions whose link has expired. Meant for a "
        "scheduler (cron, a systemd timer); running it twice sends nothing twice. Exits "
        "with status 1 when some mails could not be sent (they go with the next run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the digest to the background worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from events.alerts.tasks import send_event_digest

            result = send_event_digest.enqueue()
            self.stdout.write(f"Enqueued the digest as task {result.id}.")
            return
        try:
            report = send_digests()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Digests sent: {report.sent}; not sent (next run retries them): {report.failed}; "
            f"subscribers with nothing new: {report.nothing_new}; "
            f"taken by another run: {report.taken_by_another_run}; "
            f"unconfirmed subscriptions deleted: {report.purged_unconfirmed}."
        )
        if report.interrupted:
            self.stderr.write(
                f"{report.interrupted} digest(s) were interrupted before the mail server "
                "answered (a process stopped while sending); they are not sent again."
            )
        if report.server_down:
            self.stderr.write("The mail server could not be reached or refused the mails.")
        if report.failed:
            raise CommandError(
                f"{report.failed} digest(s) could not be sent; the next run retries."
            )
