import datetime
import zoneinfo

import pytest
from django.utils import timezone, translation

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.fixture(autouse=True)
def english(settings):
    """Messages, admin pages and reverse() in English unless a test says otherwise (a
    request without a language prefix or Accept-Language gets LANGUAGE_CODE)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def freeze_now(monkeypatch):
    """Fix "now" (an aware datetime) for everything that asks django.utils.timezone."""

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze


def seoul(*args):
    return datetime.datetime(*args, tzinfo=SEOUL)
