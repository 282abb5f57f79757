"""A content record's choices shown by name (``get_<field>_display()``), from a table of
labels built once per field (portal.blocks.fields.ChoiceLabels)."""

import pytest
from django.utils import translation

from events.models import Event
from institutions.models import Institution, InstitutionKind

pytestmark = pytest.mark.django_db


def test_labels_follow_the_language_of_the_moment_they_are_shown():
    institution = Institution(kind=InstitutionKind.MUSEUM, status="published")
    with translation.override("ko"):
        assert institution.get_kind_display() == "박물관·미술관"
        assert institution.get_status_display() == "게시됨"
    with translation.override("en"):
        assert institution.get_kind_display() == "Museum or gallery"
        assert institution.get_status_display() == "Published"


def test_a_value_with_no_choice_is_shown_as_it_is_and_an_empty_one_as_nothing():
    assert Institution(kind="gone").get_kind_display() == "gone"
    assert Event(event_status="").get_event_status_display() == ""


def test_every_choice_of_every_content_model_has_its_label():
    for model in (Institution, Event):
        for field in model._meta.concrete_fields:
            for value, label in field.flatchoices:
                with translation.override("en"):
                    assert model(**{field.attname: value})._get_FIELD_display(field) == str(label)
