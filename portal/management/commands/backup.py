import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.blocks.backups import BackupError, backup, summary


class Command(BaseCommand):
    help = (
        "Write the database and the media files to one archive (.tar.gz), while the site "
        "goes on serving. Keep it as secret as the database: it holds password hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="Where to write it (default: backup-<date>-<time>.tar.gz here).",
        )

    def handle(self, *args, archive=None, **options):
        path = archive or datetime.datetime.now().strftime("backup-%Y%m%d-%H%M%S.tar.gz")
        try:
            manifest = backup(path, default_storage)
        except BackupError as error:
            raise CommandError(str(error)) from None
        records, files = summary(manifest)
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {records} records and {files} media files to {path}.")
        )
