"""The 500 page, as Django's handler500 renders it for a view that fails."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import Client
from django.urls import path


def fail(request):
    raise RuntimeError("a bug")


# This module is the URLconf of the test below: one failing view under each prefix.
urlpatterns = i18n_patterns(path("fail/", fail))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, lang, texts",
    [
        ("/en/fail/", "en", ["Something went wrong on our side", "Server error"]),
        ("/ko/fail/", "ko", ["저희 쪽에서 문제가 생겼습니다", "서버 오류"]),
    ],
)
def test_500_page_is_translated(settings, path, lang, texts):
    settings.ROOT_URLCONF = __name__
    # As in production: the exception becomes the 500 page, not a test failure.
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for text in texts:
        assert text in html
    assert "a bug" not in html and "Traceback" not in html
