import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """Messages, admin pages and reverse() in English unless a test says otherwise (a
    request without a language prefix or Accept-Language gets LANGUAGE_CODE)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
