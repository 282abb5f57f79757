"""Full-page screenshots of every public page type and the main admin screens, at 390
and 1,366 px, in Korean and English, from the demo data:

    make screenshots          # PNGs in screenshots/ (git-ignored)

It builds a SQLite database in ``screenshots/`` with ``load_demo``, serves the site in
this process (production settings, static files through WhiteNoise, as deployed) and
drives Debian's Chromium with Playwright. A staff account of its own, with an
authenticator app, signs in to the admin. tests/bench/test_screenshots.py runs one page.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "screenshots"
WIDTHS = (390, 1366)
LANGUAGES = ("ko", "en")
USERNAME = "screenshots"


def configure(database_file):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_file}")
    os.environ.setdefault("SECRET_KEY", "screenshots-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
    # Plain http on localhost: cookies without the Secure flag, or the browser drops them.
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM beside Playwright
    import django

    django.setup()


def public_paths():
    """(name, path after the language prefix) for each public page type."""
    from cities.models import City
    from events.models import Event, EventSeries
    from institutions.models import Institution
    from portal.models import News, Page

    paths = [
        ("home", ""),
        ("cities", "cities/"),
        ("institutions", "institutions/"),
        ("events", "events/"),
        ("news", "news/"),
        ("contact", "contact/"),
        ("documents", "documents/"),
    ]
    for name, model, prefix in (
        ("city", City, "cities"),
        ("institution", Institution, "institutions"),
        ("event", Event, "events"),
        ("news-item", News, "news"),
        ("page", Page, "pages"),
        ("series", EventSeries, "events/series"),
    ):
        record = model.objects.published().order_by("pk").first()
        if record is not None:
            paths.append((name, f"{prefix}/{record.slug}/"))
    home = City.objects.filter(is_home=True).first()
    if home is not None:
        paths.append(("home-city", f"cities/{home.slug}/"))
    return paths


def admin_paths():
    from django.db.models import Count
    from django.urls import reverse

    from cities.models import City
    from events.models import Event

    paths = [
        ("admin-index", reverse("admin:index")),
        ("admin-events", reverse("admin:events_event_changelist")),
        ("admin-cities", reverse("admin:cities_city_changelist")),
        ("admin-institutions", reverse("admin:institutions_institution_changelist")),
        ("admin-news", reverse("admin:portal_news_changelist")),
        ("admin-new-event", reverse("admin:events_event_add")),
    ]
    home = City.objects.filter(is_home=True).first()
    if home is not None:
        paths.append(("admin-home-city", reverse("admin:cities_city_change", args=[home.pk])))
        paths.append(
            ("admin-home-city-history", reverse("admin:cities_city_history", args=[home.pk]))
        )
    event = Event.objects.annotate(n=Count("programme")).order_by("-n", "pk").first()
    if event is not None:
        paths.append(("admin-event", reverse("admin:events_event_change", args=[event.pk])))
    return paths


def shoot(page, url, path, width):
    """A full-page PNG of ``url`` at ``width`` CSS pixels, written to ``path``."""
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return response.status if response else None


def staff_account():
    from django.contrib.auth import get_user_model

    from tests.browser.staff import PASSWORD
    from tests.portal.admin_helpers import set_up_app

    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(USERNAME, "screenshots@example.org", PASSWORD)
        set_up_app(user)
    return user


def serve():
    """The site on a free port of localhost, in a thread of this process."""
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("localhost", static_handler=lambda application: application)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    server.url = f"http://localhost:{server.port}"
    return server


def prepare(database_file):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)


def take_all(server, out, log=print):
    from playwright.sync_api import sync_playwright

    from tests.browser.fixtures import chromium_path
    from tests.browser.staff import log_in

    executable = chromium_path()
    if not executable:
        raise SystemExit("Chromium not found: sudo apt-get install chromium fonts-noto-cjk")
    staff_account()
    written = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        for language in LANGUAGES:
            context = browser.new_context(locale="ko-KR" if language == "ko" else "en-GB")
            context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
            page = context.new_page()
            for name, path in public_paths():
                for width in WIDTHS:
                    target = out / f"{language}-{width}-{name}.png"
                    status = shoot(page, f"{server.url}/{language}/{path}", target, width)
                    log(f"{status} {target.relative_to(out.parent)}")
                    written += 1
            log_in(page, server, USERNAME)
            for name, path in admin_paths():
                for width in WIDTHS:
                    target = out / f"{language}-{width}-{name}.png"
                    status = shoot(page, server.url + path, target, width)
                    log(f"{status} {target.relative_to(out.parent)}")
                    written += 1
            context.close()
        browser.close()
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.screenshots")
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    database_file = options.out / "screenshots.sqlite3"
    configure(database_file)
    prepare(database_file)
    server = serve()
    try:
        written = take_all(server, options.out)
    finally:
        server.terminate()
    print(f"{written} screenshots in {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
