import os
import re
import secrets
import subprocess
import sys
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.blocks.compile_catalogs import LOCALE_DIR, compiled_bytes

ROOT = Path(__file__).resolve().parents[2]


def readme_production_env():
    """The production environment the README's "Deploy" section gives, as a mapping.
    Its `…` stands for a secret of the operator's own: a random one here."""
    deploy = (ROOT / "README.md").read_text().split("## Deploy", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", deploy, re.DOTALL)
    assert block, "README's Deploy section has no environment block"
    env = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        assert separator and re.fullmatch(r"[A-Z_]+", name), f"not NAME=value: {line!r}"
        env[name] = secrets.token_urlsafe(50) if value == "…" else value
    return env


PRODUCTION_ENV = readme_production_env()


def manage(*args, env=None):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a "production" run.
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_readmes_production_settings():
    assert PRODUCTION_ENV["DEBUG"] == "false"
    # Those settings alone: nothing of the test run's own environment.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing, message",
    [
        ("SECRET_KEY", "SECRET_KEY is not set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_without_a_secret_stops_with_a_message(missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_root_redirects_by_accept_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")["Location"] == "/ko/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/ko/"


@pytest.mark.django_db
def test_home_in_both_languages_with_switcher_links(client):
    korean = client.get("/ko/?page=2")
    assert korean.status_code == 200
    assert '<html lang="ko">' in korean.text
    assert "본문 바로가기" in korean.text
    # The switcher keeps the page and its query string, as plain links.
    assert 'href="/en/?page=2"' in korean.text
    english = client.get("/en/")
    assert '<html lang="en">' in english.text
    assert "Skip to main content" in english.text
    # Deeper pages keep their path and filters in the other language.
    events = client.get("/en/events/?when=past&kind=workshop")
    assert 'href="/ko/events/?when=past&amp;kind=workshop" hreflang="ko"' in events.text
    # The head's alternates are absolute, with the parameters the page reads in one order.
    assert (
        'hreflang="en" href="http://testserver/en/events/?kind=workshop&amp;when=past"'
        in events.text
    )


def language_links(response):
    """The language switcher's links and the alternate links of the page's head."""
    html = response.content.decode()
    head = re.findall(r'<link rel="alternate" hreflang="[^"]*" href="([^"]*)"', html)
    # The head's are absolute, on this site's host (x-default among them).
    assert all(href.startswith("http://testserver/") for href in head), head
    return re.findall(r'<a href="([^"]*)" hreflang=', html) + [
        href.removeprefix("http://testserver") for href in head
    ]


def on_this_site(href):
    """Whether a browser following ``href`` from this site stays on it: browsers drop
    tabs and newlines from a URL and read a backslash as a slash."""
    as_read = re.sub(r"[\t\n\r]", "", html_unescape(href)).replace("\\", "/")
    target = urlsplit(urljoin("https://portal.example.org/ko/page/", as_read))
    return target.scheme == "https" and target.netloc == "portal.example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, status",
    [
        ("//evil.example/", 404),
        ("//evil.example/ko/", 404),
        ("/\\evil.example", 404),
        ("/\\/evil.example/", 404),
        ("/%09/evil.example", 404),
        ("/%2F%2Fevil.example", 404),
        ("///evil.example", 404),
        ("/ko//evil.example/", 404),
        ("/en/%2F%2Fevil.example/", 404),
        ("/en/%5Cevil.example", 404),
        ("/en/events/%3Fx=%2F%2Fevil.example", 404),
        ("/en/?next=//evil.example/", 200),
        ("/ko/events/?when=past&q=%5C%5Cevil.example", 200),
        ("/en/news/?page=//evil.example", 404),
    ],
)
def test_language_links_never_leave_the_site(client, path, status):
    # Through a full URL, so that the test client does not read "//host" as a host.
    response = client.get("http://testserver" + path)
    assert response.status_code == status
    links = language_links(response)
    assert len(links) == 5
    for href in links:
        assert on_this_site(href), href
        assert href.startswith(("/ko/", "/en/")), href


@pytest.mark.django_db
def test_a_page_outside_the_language_prefixes_links_the_home_pages(client):
    response = client.get("http://testserver//evil.example/")
    assert set(language_links(response)) == {"/ko/", "/en/"}


@pytest.mark.django_db
def test_the_kept_navigation_marks_the_section_of_each_page(client):
    """The site's navigation is a fragment kept per language and section: each page
    still marks its own section, in its own language."""
    import re

    def current(path):
        navigation = client.get(path).text.split('class="site-nav"')[1].split("</nav>")[0]
        return re.findall(r'<a href="([^"]+)" aria-current="page">', navigation)

    assert current("/en/") == ["/en/"]
    assert current("/en/institutions/") == ["/en/institutions/"]
    assert current("/en/events/?when=past") == ["/en/events/"]
    assert current("/ko/events/") == ["/ko/events/"]
    assert current("/en/news/") == ["/en/news/"]
    assert current("/ko/contact/") == ["/ko/contact/"]
    # The footer is kept per language too.
    assert "직원 로그인" in client.get("/ko/news/").text
    assert "Staff login" in client.get("/en/news/").text


@pytest.mark.django_db
def test_anonymous_pages_carry_no_cookie_or_csrf_token(client):
    response = client.get(reverse("portal:home"))
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, text",
    [
        ("/en/no-such-page/", "Page not found"),
        ("/ko/no-such-page/", "페이지를 찾을 수 없습니다"),
    ],
)
def test_404_is_translated(client, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "text"),
    [("ko", "양식을 보내지 못했습니다"), ("en", "The form could not be sent")],
)
def test_a_form_sent_without_its_check_is_refused_in_the_pages_language(lang, text):
    csrf_client = Client(enforce_csrf_checks=True)
    with translation.override(lang):
        form = reverse("alerts:subscribe")
    # Sent from the form's own page: the refusal links back to it.
    response = csrf_client.post(
        form, {"email": "a@example.org"}, HTTP_REFERER=f"http://testserver{form}"
    )
    assert response.status_code == 403
    assert text in response.text and "CSRF" not in response.text
    assert f'href="http://testserver{form}"' in response.text
    assert "no-store" in response["Cache-Control"]
    # From elsewhere: the home page, never the other site.
    response = csrf_client.post(form, {}, HTTP_REFERER="https://other.example/form")
    assert response.status_code == 403
    assert "other.example" not in response.text
    with translation.override(lang):
        assert f'href="{reverse("portal:home")}"' in response.text


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_hsts_and_secure_cookies_over_https(client, settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    response = client.get(reverse("portal:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_inline_script_or_style_in_templates():
    # Mails are not pages (no CSP applies) and mail programs drop <style> blocks: the
    # HTML of alert mails carries its styles inline, and no script.
    mails = ROOT / "templates" / "alerts" / "email"
    for template in mails.rglob("*.html"):
        assert "<script" not in template.read_text(), template
    for template in (ROOT / "templates").rglob("*.html"):
        if template.is_relative_to(mails):
            continue
        text = template.read_text()
        assert "<script>" not in text and "<style" not in text, template
        assert " style=" not in text and " onclick=" not in text, template


@pytest.mark.django_db
def test_healthz_round_trips_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\ncache: ok\n"


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_https_is_enforced(settings):
    # A balancer probes the app server over plain http, without X-Forwarded-Proto.
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    # Everything else still goes to https.
    home = client.get(reverse("portal:home"))
    assert home.status_code == 301
    assert home["Location"].startswith("https://")


@pytest.mark.django_db
def test_healthz_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_admin_login_locks_after_repeated_failures(client, django_user_model, settings):
    django_user_model.objects.create_superuser("staff", "staff@example.org", "right-password-1")
    login = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "staff", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(
        login, {"username": "staff", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.text
    # Even the right password is refused while locked.
    response = client.post(login, {"username": "staff", "password": "right-password-1"})
    assert response.status_code == 429


def test_compiled_catalogs_match_their_po_files():
    catalogs = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    assert catalogs, "no translation catalogs"
    for po_path in catalogs:
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists() and mo_path.read_bytes() == compiled_bytes(po_path), (
            f"{mo_path} is out of date: run `make messages`"
        )


def test_korean_catalog_is_complete():
    import polib

    catalog = polib.pofile(str(LOCALE_DIR / "ko" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.django_db
def test_admin_login_over_https_sets_secure_httponly_cookies(django_user_model, settings):
    """The Set-Cookie headers a browser really gets when staff log in over https."""
    django_user_model.objects.create_user(
        "staff", "staff@example.org", "right-password-1", is_staff=True
    )
    client = Client(enforce_csrf_checks=True)
    login = reverse("admin:login")
    page = client.get(login, secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        login,
        {
            "username": "staff",
            "password": "right-password-1",
            "next": reverse("admin:index"),
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
        secure=True,
        headers={"Origin": "https://testserver", "Referer": f"https://testserver{login}"},
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (csrf, session):
        header = cookie.output(header="").lower()
        assert "; secure" in header and "; httponly" in header, header
        assert "samesite=lax" in header, header
    assert not settings.CSRF_USE_SESSIONS and settings.CSRF_COOKIE_SAMESITE == "Lax"
    # The login rotated the CSRF token: a token stolen before login is worthless after.
    new_csrf = response.cookies.get(settings.CSRF_COOKIE_NAME)
    assert new_csrf is not None and new_csrf.value != csrf.value


@pytest.mark.django_db
def test_staff_switch_the_admin_between_korean_and_english(client, django_user_model, settings):
    staff = django_user_model.objects.create_user(
        "staff", "staff@example.org", "right-password-1", is_staff=True
    )
    client.force_login(staff)
    index = reverse("admin:index")
    # The browser asks for English; the switch in the admin header overrides it.
    english = client.get(index, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en"' in english.text
    assert f'action="{reverse("set_language")}" method="post"' in english.text
    assert 'name="csrfmiddlewaretoken"' in english.text
    assert 'name="next" value="/admin/"' in english.text

    response = client.post(
        reverse("set_language"),
        {"language": "ko", "next": index},
        HTTP_ACCEPT_LANGUAGE="en",
        secure=True,
    )
    assert response.status_code == 302 and response["Location"] == index
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ko" and cookie["secure"] and cookie["httponly"]
    korean = client.get(index, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ko"' in korean.text
    assert "창의도시 포털 관리" in korean.text  # the admin's header, in Korean

    client.post(reverse("set_language"), {"language": "en", "next": index})
    english = client.get(index, HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="en"' in english.text
    assert "Creative City Portal administration" in english.text
