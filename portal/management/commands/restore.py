from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.blocks.backups import BackupError, restore, summary


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` into an empty database (one with no "
        "tables is migrated first) and an empty media storage. The archive is checked "
        "whole before anything is written; a failure writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Restore over a database and media storage that hold data: every record "
            "is deleted first (in the transaction that loads the archive, so a failure "
            "keeps them) and the archive's files overwrite those of the same name.",
        )

    def handle(self, *args, archive, replace, **options):
        try:
            manifest = restore(archive, default_storage, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        records, files = summary(manifest)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {records} records and {files} media files from {archive} "
                f"(made {manifest['created']})."
            )
        )
