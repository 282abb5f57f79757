"""The demo's accessibility statement: the standards, what is tested, how to report."""

import pytest
from django.urls import reverse
from django.utils import translation

from portal import demo
from portal.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement():
    values = next(dict(item) for item in demo.PAGES if item["slug"] == "accessibility")
    return Page.objects.create(status="published", **values)


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("ko", ["KWCAG 2.2", "WCAG 2.2 AA", "axe-core", "390픽셀", "키보드", "불편 신고"]),
        ("en", ["KWCAG 2.2", "WCAG 2.2 level AA", "axe-core", "390 pixels", "keyboard"]),
    ],
)
def test_the_statement_names_the_standards_the_tests_and_how_to_report(
    client, statement, lang, expected
):
    with translation.override(lang):
        page_url = reverse("portal:page", args=["accessibility"])
        contact = reverse("portal:contact")
        home = reverse("portal:home")
    text = client.get(page_url).text
    for phrase in expected:
        assert phrase in text, phrase
    assert f'<a href="{contact}">' in text  # the contact page in the page's language
    assert statement.in_footer
    assert f'href="{page_url}"' in client.get(home).text.split('class="site-footer"')[1]
    assert 'class="translation-notice"' not in text
