"""The Korean admin has no English left on its screens: every changelist, add, change,
history, import and export page of every registered model, read as a superuser in
Korean, is checked for the English the admin and its packages used to show."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.portal.admin_helpers import CONTENT_FACTORIES

pytestmark = pytest.mark.django_db

# Whole lines of visible text that are English leftovers (history tables, messages).
LEFTOVER_LINES = {
    "Object",
    "Date/time",
    "Comment",
    "Changed by",
    "Change reason",
    "Changes",
    "Created",
    "Changed",
    "Deleted",
    "None",
    "Revert",
    "Close",
    "Access attempts",
    "Access failures",
    "Access logs",
    "IP Address",
    "User Agent",
}
# Fragments that give away English or broken Korean anywhere in the text.
LEFTOVER_FRAGMENTS = (
    "Choose a date from the list",
    "doesn't have a change history",
    " chars]",
    "개체”",
    " 을/를",
    "를(을)",
    "보기위한",
)


def visible_lines(html):
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    # The edit guard's hidden version field is never shown.
    html = re.sub(r'<fieldset class="module aligned hidden">.*?</fieldset>', " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", html)
    return [line.strip() for line in text.splitlines() if line.strip()]


def admin_urls(records):
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        record = records.get(model._meta.label_lower) or model._default_manager.first()
        for view, args in (
            ("changelist", ()),
            ("add", ()),
            ("import", ()),
            ("export", ()),
            ("change", (record.pk,) if record else None),
            ("history", (record.pk,) if record else None),
        ):
            if args is None:
                continue
            try:
                yield reverse(f"{name}_{view}", args=args)
            except NoReverseMatch:
                continue


@pytest.fixture
def records(admin_user):
    made = {}
    for label, factory in CONTENT_FACTORIES.items():
        record = factory()
        # A second version, so the history shows a change.
        record._history_user = admin_user
        record.save()
        made[label] = record
    return made


def test_every_admin_page_in_korean_has_no_english_leftovers(admin_client, records):
    found = {}
    pages = 0
    for url in admin_urls(records):
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
        if response.status_code != 200:
            assert response.status_code in (302, 403), url  # a singleton, a read-only log
            continue
        pages += 1
        for line in visible_lines(response.text):
            if line in LEFTOVER_LINES or any(bit in line for bit in LEFTOVER_FRAGMENTS):
                found.setdefault(line, url)
    assert pages > 40
    assert found == {}


def test_every_model_of_the_site_has_a_korean_name():
    missing = []
    with translation.override("ko"):
        for model in apps.get_models():
            if model._meta.app_label not in {"cities", "institutions", "events", "portal", "axes"}:
                continue
            if model.__name__.startswith("Historical"):  # simple-history's, never shown
                continue
            for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                if not re.search(r"[가-힣]", str(name)):
                    missing.append(f"{model._meta.label}: {name}")
    assert missing == []
