"""Backups: the database and the media files in one archive, and back again
(``manage.py backup`` and ``manage.py restore``; README "Backup and restore").

The archive is a gzipped tar of

- ``database.jsonl``: every record, one a line, in Django's own serialisation, so one
  archive restores into SQLite or PostgreSQL alike and needs no database client
  programs. Content types and permissions are not in it (``migrate`` makes them) and
  records point at them by natural key; sessions are not in it either;
- ``media/<name>``: every file of the media storage, read through the storage API
  (local files or object storage alike);
- ``manifest.json`` (last): the format, the migrations the database had, the number of
  records of each table, and each member's size and SHA-256.

A restore reads and checks the whole archive before it writes anything, refuses an
archive of another schema and a database or media storage that already hold data
(unless told to replace it), loads the records in one transaction, checks their numbers
against the manifest, then writes the files; if anything fails, the transaction is
rolled back and the files it wrote are deleted.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import ImageField
from django.db.models.signals import post_init
from django.test.utils import override_settings
from django.utils import translation

from portal.blocks.caching.tags import start_afresh

FORMAT = "creative-city-portal-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
MEDIA = "media/"
# Made again by ``migrate`` (and pointed at by natural key), or worth nothing restored.
NOT_BACKED_UP = ("contenttypes.contenttype", "auth.permission", "sessions.session")
# Emptied along with the backed-up tables before a restore: no session survives one.
EMPTIED_TOO = ("sessions.session",)
# Rows ``migrate`` itself writes into backed-up tables: the roles (portal.blocks.roles).
# They do not make a database "not empty"; the archive's groups replace them.
MADE_BY_MIGRATE = ("auth.group", "auth.group_permissions")
CHUNK = 1024 * 1024
# A manifest names every media file (about 200 bytes each).
MANIFEST_LIMIT = 256 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- What is backed up -----------------------------------------------------------------


def backed_up_models(using=DEFAULT_DB_ALIAS):
    """The models whose rows the archive holds, with the many-to-many tables of each
    (``dumpdata`` writes those links with their records)."""
    connection = connections[using]
    models = []
    for model in apps.get_models(include_auto_created=True):
        if (
            model._meta.label_lower not in NOT_BACKED_UP
            and not model._meta.proxy
            and model._meta.can_migrate(connection)
            and router.allow_migrate_model(using, model)
        ):
            models.append(model)
    return models


def count_records(models, using):
    return {model._meta.label_lower: model._base_manager.using(using).count() for model in models}


def known_migrations():
    """(every migration this code has, the ones a database of this code has applied)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations), set(loader.graph.nodes)


def applied_migrations(using):
    recorder = MigrationRecorder(connections[using])
    return set(recorder.applied_migrations()) if recorder.has_table() else set()


def differences(first, second):
    """The keys whose values differ between two mappings."""
    return sorted(key for key in {*first, *second} if first.get(key) != second.get(key))


def migration_names(keys):
    return ", ".join(f"{app}.{name}" for app, name in sorted(keys))


# --- Media storage -----------------------------------------------------------------------


def media_names(storage, folder=""):
    """Every file name in ``storage``, sub-folders included."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a media folder not made yet: no files
        return
    for name in sorted(files):
        yield str(PurePosixPath(folder, name)) if folder else name
    for name in sorted(folders):
        yield from media_names(storage, str(PurePosixPath(folder, name)) if folder else name)


class HashingReader:
    """Reads a file through, keeping its SHA-256 and size."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def copy_hashed(source, target=None):
    reader = HashingReader(source)
    while chunk := reader.read(CHUNK):
        if target is not None:
            target.write(chunk)
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


# --- Backup ---------------------------------------------------------------------------------


def backup(path, storage, using=DEFAULT_DB_ALIAS):
    """Write the database and the media files of ``storage`` to the archive ``path``
    (written aside and moved into place, so there is never half an archive under its
    name). Returns the manifest."""
    path = Path(path).absolute()
    if isinstance(storage, FileSystemStorage) and path.is_relative_to(
        Path(storage.location).absolute()
    ):
        raise BackupError(f"Write the archive outside the media folder ({storage.location}).")
    known, needed = known_migrations()
    applied = applied_migrations(using)
    if needed - applied:
        raise BackupError(
            "The database is not migrated to this version of the site (missing: "
            f"{migration_names(needed - applied)}): run `manage.py migrate` first."
        )
    partial = path.with_name(f".{path.name}.partial")
    members = {}
    try:
        # Only its owner may read it: it holds password hashes and every record.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as archive,
            tempfile.TemporaryDirectory() as work,
        ):
            dump = Path(work) / DATABASE
            records = dump_database(dump, using)
            with dump.open("rb") as source:
                members[DATABASE] = add_member(archive, DATABASE, source, dump.stat().st_size)
            for name in media_names(storage):
                try:
                    size = storage.size(name)
                    source = storage.open(name, "rb")
                except FileNotFoundError:
                    continue  # deleted since it was listed
                with source:
                    members[MEDIA + name] = add_member(archive, MEDIA + name, source, size)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "django": django.get_version(),
                "database": connections[using].vendor,
                "migrations": sorted(f"{app}.{name}" for app, name in applied & known),
                "records": records,
                "members": members,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            add_member(archive, MANIFEST, io.BytesIO(data), len(data))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


@contextmanager
def images_as_stored():
    """Records as stored: an image field whose stored dimensions are empty measures its
    file whenever a record is loaded, which would read every such image from the media
    storage (and fail on one that is missing) while the records are written or loaded."""
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ImageField) and (field.width_field or field.height_field)
    ]
    for field in fields:
        post_init.disconnect(field.update_dimension_fields, sender=field.model)
    try:
        yield
    finally:
        for field in fields:
            post_init.connect(field.update_dimension_fields, sender=field.model)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, without its rounding of times to the millisecond: a restored
    record keeps its exact times (the version an editor's form was opened at is one)."""

    def default(self, o):
        if isinstance(o, datetime.datetime) or (
            isinstance(o, datetime.time) and o.utcoffset() is None
        ):
            return o.isoformat()
        return super().default(o)


def in_source_language():
    """Dump and load as the source language (Korean). A translated field's own column
    (``name`` beside ``name_ko`` and ``name_en``) is what modeltranslation reads and
    writes as the active language's: the serializer writes it, and a loaded record gets
    it, from the active language. Pinned, a backup made and restored anywhere (a shell in
    English, a request in Korean) gives the same records; nothing reads that column but
    through the languages' own."""
    return translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


def dump_database(target, using):
    """Every backed-up record to ``target``, and the number in each table, as one
    consistent snapshot while the site goes on serving and editing."""
    connection = connections[using]
    models = backed_up_models(using)
    # In an order that loads (what natural keys point at first), as ``dumpdata`` does;
    # many-to-many tables are written with their records.
    ordered = serializers.sort_dependencies(
        [(config, None) for config in apps.get_app_configs() if config.models_module],
        allow_cycles=True,
    )
    dumped = [model for model in ordered if model in models]

    def records():
        for model in dumped:
            links = [
                field.name
                for field in model._meta.many_to_many
                if field.remote_field.through._meta.auto_created
            ]
            queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
            yield from queryset.prefetch_related(*links).iterator(chunk_size=2000)

    outermost = not connection.in_atomic_block
    with in_source_language(), transaction.atomic(using=using):
        # PostgreSQL reads each statement as of its own start unless told otherwise;
        # SQLite's transaction is a snapshot already.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = count_records(models, using)
        with target.open("w", encoding="utf-8") as stream, images_as_stored():
            serializers.serialize(
                "jsonl",
                records(),
                stream=stream,
                use_natural_foreign_keys=True,
                cls=ExactJSONEncoder,
            )
    return counts


def add_member(archive, name, source, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    reader = HashingReader(source)
    archive.addfile(info, reader)
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


# --- Restore --------------------------------------------------------------------------------


def restore(path, storage, using=DEFAULT_DB_ALIAS, replace=False):
    """Restore the archive ``path`` into the database and ``storage``. Returns the
    manifest."""
    with tempfile.TemporaryDirectory() as work:
        manifest = read_archive(path, Path(work))
        check_schema(manifest, using)
        fresh = not applied_migrations(using)
        if not replace:
            if not fresh:
                refuse_unless_empty(using)
            refuse_unless_no_media(storage)
        if fresh:
            # A database with no tables: this code's schema, which is the archive's.
            call_command("migrate", database=using, interactive=False, verbosity=0)
        written = []
        try:
            with transaction.atomic(using=using):
                empty_tables(using)
                # Records point at content types by natural key: look them up afresh, as
                # this process may have made them anew (a database with no tables).
                ContentType.objects.clear_cache()
                load(Path(work) / DATABASE, using)
                counted = count_records(backed_up_models(using), using)
                expected = manifest["records"]
                if counted != expected:
                    raise BackupError(
                        "The records loaded differ from the archive's in "
                        f"{', '.join(differences(counted, expected))}; nothing was restored."
                    )
                write_media(path, storage, written)
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
    start_afresh()
    return manifest


def not_an_archive(path, why):
    return BackupError(
        f"{path} is not a backup made by `manage.py backup` ({why}); nothing was restored."
    )


def damaged(path, why):
    return BackupError(f"{path} is damaged or incomplete ({why}); nothing was restored.")


def read_archive(path, work):
    """Read the whole archive and check every member against the manifest; the database
    member is kept in ``work``. Returns the manifest."""
    try:
        archive = tarfile.open(path, mode="r:gz")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist; nothing was restored.") from None
    except (tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError) as error:
        raise not_an_archive(path, f"not a gzipped tar file: {error}") from None
    found, manifest = {}, None
    try:
        with archive:
            for member in archive:
                if not member.isfile() or member.name in found:
                    raise not_an_archive(path, f"unexpected member {member.name}")
                source = archive.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > MANIFEST_LIMIT:
                        raise not_an_archive(path, "its manifest is far too large")
                    data = source.read()
                    found[MANIFEST] = None
                    try:
                        manifest = json.loads(data)
                    except ValueError:
                        raise damaged(path, "its manifest is not JSON") from None
                elif member.name == DATABASE:
                    with (work / DATABASE).open("wb") as target:
                        found[DATABASE] = copy_hashed(source, target)
                elif member.name.startswith(MEDIA):
                    found[member.name] = copy_hashed(source)
                else:
                    raise not_an_archive(path, f"unexpected member {member.name}")
    except (tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError, OSError) as error:
        raise damaged(path, str(error) or type(error).__name__) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise not_an_archive(path, "it has no manifest of this site's backups")
    if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
        raise BackupError(
            f"{path} was written by a newer version of `manage.py backup` (format "
            f"{manifest.get('version')}); restore it with that version or a later one; nothing "
            "was restored."
        )
    listed = manifest.get("members")
    if not isinstance(listed, dict) or DATABASE not in listed:
        raise damaged(path, "its manifest lists no database")
    found.pop(MANIFEST)
    if listed != found:
        missing = ", ".join(differences(listed, found)[:5])
        raise damaged(path, f"members missing or not as written: {missing}")
    for name in listed:
        if name.startswith(MEDIA):
            try:
                validate_file_name(name.removeprefix(MEDIA), allow_relative_path=True)
            except SuspiciousFileOperation:
                raise not_an_archive(path, f"unsafe file name {name}") from None
    return manifest


def check_schema(manifest, using):
    """The archive's migrations must be this code's; the database has none yet or all."""
    known, needed = known_migrations()
    archived = set()
    for label in manifest.get("migrations", ()):
        app, _dot, name = str(label).partition(".")
        archived.add((app, name))
    if archived - known:
        raise BackupError(
            "The archive was made by a newer version of the site: its database has "
            f"migrations this code does not have ({migration_names(archived - known)}). "
            "Restore it with that version, or a later one; nothing was restored."
        )
    if needed - archived:
        raise BackupError(
            "The archive was made by an older version of the site (its database lacks "
            f"{migration_names(needed - archived)}). Restore it with the version that made "
            "it, then upgrade as usual (`manage.py migrate`); nothing was restored."
        )
    applied = applied_migrations(using)
    if applied and needed - applied:
        raise BackupError(
            "The database is not migrated to this version of the site: run "
            "`manage.py migrate` first, or restore into a database with no tables."
        )


def refuse_unless_empty(using):
    made_by_migrate = set(MADE_BY_MIGRATE)
    holding = [
        model._meta.label_lower
        for model in backed_up_models(using)
        if model._meta.label_lower not in made_by_migrate
        and model._base_manager.using(using).exists()
    ]
    if holding:
        raise BackupError(
            f"The database is not empty (it holds records of {', '.join(holding[:5])}). "
            "Restore into an empty database, or pass --replace to delete every record "
            "first; nothing was restored."
        )


def refuse_unless_no_media(storage):
    existing = next(media_names(storage), None)
    if existing is not None:
        raise BackupError(
            f"The media storage is not empty (it holds {existing}, among others). Restore "
            "into an empty one, or pass --replace to write the archive's files over it; "
            "nothing was restored."
        )


def empty_tables(using):
    """Delete every row of the backed-up tables and of the sessions, in the current
    transaction: no signal, no history, no cascade through Python."""
    connection = connections[using]
    models = [*backed_up_models(using), *(apps.get_model(label) for label in EMPTIED_TOO)]
    tables = [model._meta.db_table for model in models]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with checked_constraints(connection):
        connection.ops.execute_sql_flush(statements)


@contextmanager
def checked_constraints(connection):
    """PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending in
    the transaction (rows written earlier in it): check them first."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def load(dump, using):
    """Load the records (``loaddata``: in order, checking every constraint at the end,
    and moving PostgreSQL's sequences past the ids it loaded)."""
    try:
        # The records come with their history: none is written for loading them.
        with (
            override_settings(SIMPLE_HISTORY_ENABLED=False),
            images_as_stored(),
            in_source_language(),
        ):
            call_command("loaddata", str(dump), database=using, verbosity=0)
    except (CommandError, DeserializationError, DatabaseError, ValidationError) as error:
        raise BackupError(
            f"The archive's records do not load ({error}); nothing was restored."
        ) from None


def write_media(path, storage, written):
    """Write the archive's files into ``storage``, recording each in ``written``."""
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for member in archive:
                if not member.name.startswith(MEDIA):
                    continue
                name = member.name.removeprefix(MEDIA)
                if storage.exists(name):
                    storage.delete(name)  # --replace: the archive's file wins
                saved = storage.save(name, File(archive.extractfile(member), name=name))
                written.append(saved)
                if saved != name:
                    raise BackupError(
                        f"The media storage saved {name} as {saved}; nothing was restored."
                    )
    except (tarfile.TarError, zlib.error, EOFError) as error:
        raise damaged(path, str(error)) from None


def summary(manifest):
    """(records, media files) of an archive, for the commands to report."""
    files = sum(1 for name in manifest["members"] if name.startswith(MEDIA))
    return sum(manifest["records"].values()), files
