"""Backup and restore (``manage.py backup`` / ``manage.py restore``): a database with
records of every content model, images and history goes into one archive and comes back
whole into an empty database and media folder; a bad archive writes nothing.

Runs on the suite's database (SQLite, or PostgreSQL with DATABASE_URL)."""

import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from portal.blocks.backups import backed_up_models, checked_constraints
from portal.blocks.content import content_models
from portal.blocks.roles import PUBLISHER
from portal.models import News, SiteIdentity
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    NewsFactory,
    PartnershipFactory,
    StaffFactory,
)
from tests.portal.admin_helpers import CONTENT_FACTORIES
from tests.portal.images import image_bytes, upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_content_types():
    """Tests here empty the database, which makes content types anew (other ids on
    PostgreSQL), and roll back: no test may see another's cached content types."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def in_korean():
    """Records are made as in the Korean admin: a translated field's own column holds
    the language it was saved in, and a restore writes it in Korean
    (``portal.blocks.backups.in_source_language``)."""
    with translation.override("ko"):
        yield


@pytest.fixture
def site(settings):
    """Records of every content model, with images, links and edit history by a
    staff member, a deleted record, and an admin log entry."""
    staff = StaffFactory(role=PUBLISHER)
    records = {label: factory() for label, factory in CONTENT_FACTORIES.items()}
    for label, factory in CONTENT_FACTORIES.items():
        model = factory._meta.model
        if "image" in {field.name for field in model._meta.fields}:
            records[label] = factory(image=upload(image_bytes(size=(900, 600))))
    institution = InstitutionFactory(image=upload(image_bytes(fmt="PNG"), "logo.png"))
    institution.disciplines.add(records["institutions.discipline"], DisciplineFactory())
    event = EventFactory(venue=institution, parent=records["events.event"])
    event.organisers.add(institution)
    event.partnerships.add(PartnershipFactory())
    news = NewsFactory(title_en="Cheongju & Icheon <craft>")
    news.cities.add(records["cities.city"])
    news.events.add(event)
    news._history_user = staff
    news.title_en = "Edited by staff"
    news.save()
    EventFactory().delete()
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(news),
        object_id=str(news.pk),
        object_repr=str(news),
        action_flag=CHANGE,
        change_message="[]",
    )
    for model in content_models():
        assert model._base_manager.exists(), model
        assert model.history.exists(), model
    assert len(media_files(settings.MEDIA_ROOT)) >= 5 * 4  # originals and renditions
    return records


@pytest.fixture
def small_site():
    """Enough for the archive's checks: linked records, one image and its renditions."""
    PartnershipFactory()
    return CityFactory(image=upload(image_bytes(size=(900, 600))))


def snapshot():
    """Every row of every backed-up table, as stored. Content types and permissions
    are made by migrate with ids of their own, so links to them are compared by natural
    key, and the link tables of many-to-many fields without their own row ids."""
    content_types = {
        pk: (app, model)
        for pk, app, model in ContentType.objects.values_list("pk", "app_label", "model")
    }
    permissions = {
        pk: (codename, content_types[type_id])
        for pk, codename, type_id in Permission.objects.values_list(
            "pk", "codename", "content_type_id"
        )
    }
    natural = {ContentType: content_types, Permission: permissions}
    tables = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in backed_up_models():
            fields = [
                field
                for field in model._meta.concrete_fields
                if not (model._meta.auto_created and field.primary_key)
            ]
            columns = ", ".join(quote(field.column) for field in fields)
            cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)}")  # noqa: S608
            rows = [
                tuple(
                    natural[field.related_model][value] if field.related_model in natural else value
                    for field, value in zip(fields, row, strict=True)
                )
                for row in cursor.fetchall()
            ]
            tables[model._meta.label_lower] = sorted(rows, key=repr)
    return tables


def media_files(root):
    root = Path(root)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def empty_the_database():
    """What a new database is after `migrate`, less the roles it makes."""
    with checked_constraints(connection):
        call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    assert not any(snapshot().values())


def test_backup_then_restore_into_an_empty_database_and_media_folder(
    site, settings, tmp_path, client
):
    before, files = snapshot(), media_files(settings.MEDIA_ROOT)
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert f"media files to {archive}" in out.getvalue()
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    assert not list(tmp_path.glob(".*partial"))

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "new-media"
    call_command("restore", str(archive), stdout=io.StringIO())

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert media_files(settings.MEDIA_ROOT) == files
    # New records take new ids (PostgreSQL's sequences moved past the restored ones);
    # the site identity is one row with a fixed key, never a new one.
    for factory in CONTENT_FACTORIES.values():
        if factory._meta.model is SiteIdentity:
            continue
        assert factory().pk not in {row[0] for row in before[factory._meta.model._meta.label_lower]}
    # The site serves what came back, images included.
    city = site["cities.city"]
    with translation.override("en"):
        page = client.get(reverse("cities:detail", args=[city.slug]))
    assert page.status_code == 200
    shown = re.search(r'class="city-image"><img[^>]* src="/media/([^"]+)"', page.text).group(1)
    assert shown.startswith(Path(city.image.name).stem.join(["cities/city/", "-"]))
    assert (Path(settings.MEDIA_ROOT) / shown).is_file()


def test_restore_refuses_a_database_that_holds_records(small_site, settings, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = snapshot()
    settings.MEDIA_ROOT = tmp_path / "new-media"
    with pytest.raises(CommandError, match="database is not empty.*--replace"):
        call_command("restore", str(archive))
    assert snapshot() == before
    assert media_files(settings.MEDIA_ROOT) == {}


def test_restore_refuses_a_media_folder_that_holds_files(small_site, settings, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    files = media_files(settings.MEDIA_ROOT)
    empty_the_database()
    with pytest.raises(CommandError, match="media storage is not empty.*--replace"):
        call_command("restore", str(archive))
    assert not any(snapshot().values())
    assert media_files(settings.MEDIA_ROOT) == files


def test_restore_replaces_what_is_there_when_told(site, settings, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before, files = snapshot(), media_files(settings.MEDIA_ROOT)
    # Changes made after the backup, which the restore takes back.
    NewsFactory(title_en="Written after the backup")
    site["cities.city"].delete()
    call_command("restore", str(archive), replace=True, stdout=io.StringIO())
    assert snapshot() == before
    assert media_files(settings.MEDIA_ROOT).items() >= files.items()


# --- Bad archives ----------------------------------------------------------------------


def read_members(archive):
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def write_members(target, members):
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def change_manifest(change):
    def rewrite(members):
        manifest = json.loads(members["manifest.json"])
        change(manifest, members)
        members["manifest.json"] = json.dumps(manifest).encode()

    return rewrite


def newer_schema(manifest, members):
    manifest["migrations"].append("events.9999_from_a_later_version")


def older_schema(manifest, members):
    manifest["migrations"].remove(max(m for m in manifest["migrations"] if m.startswith("events.")))


def newer_format(manifest, members):
    manifest["version"] += 1


def dangling_link(manifest, members):
    """A record that points at a city the archive does not hold, its checksum made
    to match: the archive reads well and fails only when loaded."""
    lines = members["database.jsonl"].decode().splitlines()
    record = json.loads(next(line for line in lines if '"cities.partnership"' in line))
    record["pk"], record["fields"]["partner"] = 999_999, 999_999
    members["database.jsonl"] = ("\n".join([*lines, json.dumps(record)]) + "\n").encode()
    manifest["records"]["cities.partnership"] += 1
    manifest["members"]["database.jsonl"] = {
        "size": len(members["database.jsonl"]),
        "sha256": hashlib.sha256(members["database.jsonl"]).hexdigest(),
    }


def damaged_record(members):
    members["database.jsonl"] = members["database.jsonl"].replace(b'"KR"', b'"JP"', 1)


def missing_file(members):
    del members[next(name for name in members if name.startswith("media/"))]


def no_manifest(members):
    del members["manifest.json"]


def truncated(archive, target):
    data = archive.read_bytes()
    target.write_bytes(data[: len(data) // 2])


def not_gzip(archive, target):
    with zipfile.ZipFile(target, "w") as package:
        package.writestr("manifest.json", "{}")


def gzip_of_text(archive, target):
    target.write_bytes(gzip.compress(b"name,city\nStudio,Cheongju\n"))


@pytest.mark.parametrize(
    "spoil, message",
    [
        (truncated, "damaged or incomplete"),
        (not_gzip, "not a backup made by `manage.py backup`"),
        (gzip_of_text, "not a backup made by `manage.py backup`"),
        (no_manifest, "not a backup made by `manage.py backup`"),
        (damaged_record, "damaged or incomplete.*database.jsonl"),
        (missing_file, "damaged or incomplete.*media/"),
        (change_manifest(newer_schema), "newer version of the site.*events.9999"),
        (change_manifest(older_schema), "older version of the site.*events.0"),
        (change_manifest(newer_format), "newer version of `manage.py backup`"),
        (change_manifest(dangling_link), "records do not load"),
    ],
)
def test_a_bad_archive_is_refused_with_a_reason_and_writes_nothing(
    small_site, settings, tmp_path, spoil, message
):
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    bad = tmp_path / "bad.tar.gz"
    if spoil.__code__.co_argcount == 2:
        spoil(archive, bad)
    else:
        members = read_members(archive)
        spoil(members)
        write_members(bad, members)
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "new-media"
    with pytest.raises(CommandError, match=message) as refusal:
        call_command("restore", str(bad))
    assert "nothing was restored" in str(refusal.value)
    assert not any(snapshot().values())
    assert media_files(settings.MEDIA_ROOT) == {}


# --- A new database, in another process ------------------------------------------------


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_restore_into_a_new_database_with_no_tables(site, settings, tmp_path):
    """As after losing a server: a database with no tables (SQLite here, whichever the
    archive came from), which the restore migrates first, and an empty media folder."""
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    files = media_files(settings.MEDIA_ROOT)
    database = tmp_path / "new.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(tmp_path / "new-media")}

    result = manage("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout

    manifest = json.loads(read_members(archive)["manifest.json"])
    with sqlite3.connect(database) as restored:
        for model in backed_up_models():
            table = model._meta.db_table
            (count,) = restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()  # noqa: S608
            assert count == manifest["records"][model._meta.label_lower], table
        # The admin's log still names the news item's content type.
        (label,) = restored.execute(
            "SELECT t.app_label || '.' || t.model FROM django_admin_log l "
            "JOIN django_content_type t ON t.id = l.content_type_id"
        ).fetchone()
    assert label == "portal.news"
    assert media_files(tmp_path / "new-media") == files

    # Again, over what it restored: refused, unless told.
    again = manage("restore", str(archive), env=env)
    assert again.returncode != 0
    assert "database is not empty" in again.stderr
    assert manage("restore", str(archive), "--replace", env=env).returncode == 0


@pytest.mark.page_cache
def test_a_restore_drops_every_stored_page(client, tmp_path):
    """Loading records saves none of them, so nothing tells the page cache: the restore
    makes every stored page out of date itself."""
    news = NewsFactory(title_en="As backed up")
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    News.objects.filter(pk=news.pk).update(title_en="Changed since")  # no save, no signal
    with translation.override("en"):
        url = reverse("portal:news-detail", args=[news.slug])
    assert "Changed since" in client.get(url).text
    assert "Changed since" in client.get(url).text  # stored, and served from the cache
    call_command("restore", str(archive), replace=True, stdout=io.StringIO())
    assert "As backed up" in client.get(url).text


def test_backup_is_never_written_into_the_media_folder_it_reads(small_site, settings):
    inside = Path(settings.MEDIA_ROOT) / "site.tar.gz"
    with pytest.raises(CommandError, match="outside the media folder"):
        call_command("backup", str(inside))
    assert not inside.exists()
