import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from portal.blocks.reversing import reverse_slug

NAMES = ["cities:detail", "institutions:detail", "events:detail", "portal:news-detail"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_same_address_as_reverse(name, language):
    with translation.override(language):
        for slug in ["icheon", "a-b_c-2025", "x"]:
            assert reverse_slug(name, slug) == reverse(name, kwargs={"slug": slug})


def test_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        with translation.override("en"):
            assert reverse_slug("cities:detail", "icheon") == "/portal/en/cities/icheon/"
    finally:
        clear_script_prefix()
    with translation.override("en"):
        assert reverse_slug("cities:detail", "icheon") == "/en/cities/icheon/"


@pytest.mark.parametrize("slug", ["", "a/b", "이천", "a b"])
def test_a_value_the_pattern_refuses_is_refused_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        reverse_slug("cities:detail", slug)
