import os

import pytest
from django.core.management import call_command

# The real-browser fixtures, for every app's browser tests. Imported into this conftest,
# rather than loaded as a plugin, so that this live_server overrides pytest-django's.
from tests.browser.fixtures import axe, browser, live_server, new_page, page  # noqa: F401


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker):
    """Pages are rendered with the production static storage (hashed names from a
    manifest), so the suite collects static files once, as a deployment does."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads written by a test go to a fresh folder, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (page cache, footer links, fragments)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def page_cache_off(request, settings):
    """Tests exercise the views themselves: the anonymous page cache would answer a
    repeated request without running the view (and without a template context).
    The cache has its own tests, marked `page_cache`, which keep it on."""
    if request.node.get_closest_marker("page_cache") is None:
        page_cache = "portal.blocks.caching.pages.PageCacheMiddleware"
        settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != page_cache]


@pytest.fixture(autouse=True)
def force_login_passes_second_step(request, monkeypatch):
    """``client.force_login`` (and pytest-django's ``admin_client``) stands for a whole
    sign-in: the password and, as a device would, the second step of two-step
    verification, which production requires of Publishers and superusers. Tests of the
    sign-in itself are marked ``two_factor`` and see it as it is."""
    if request.node.get_closest_marker("two_factor") is not None:
        return
    from django.test import Client

    from tests.portal.admin_helpers import pass_second_step

    force_login = Client.force_login

    def force_login_and_verify(self, user, backend=None):
        force_login(self, user, backend)
        pass_second_step(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_and_verify)


# Set by a test that runs other tests on a SQLite file (tests/portal/test_edit_guard.py):
# the suite's own SQLite test database is in memory, where writers do not wait for each
# other as they do on a file.
SQLITE_FILE_VARIABLE = "PORTAL_TEST_SQLITE_FILE"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    path = os.environ.get(SQLITE_FILE_VARIABLE)
    if path:
        from django.conf import settings

        database = settings.DATABASES["default"]
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        database["TEST"] = {**database.get("TEST", {}), "NAME": path}
