"""Helpers for tests that go through the admin as staff do."""

import datetime

from django import forms
from django.apps import apps
from django.contrib.auth.models import Group

from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    EventSeriesFactory,
    InstitutionFactory,
    MilestoneFactory,
    NewsFactory,
    PageFactory,
    PartnershipFactory,
)

# One factory for each registered content model (portal.blocks.content; test_permissions checks
# that the two agree).
CONTENT_FACTORIES = {
    "cities.city": CityFactory,
    "cities.partnership": PartnershipFactory,
    "cities.milestone": MilestoneFactory,
    "institutions.institution": InstitutionFactory,
    "institutions.discipline": DisciplineFactory,
    "events.eventseries": EventSeriesFactory,
    "events.event": EventFactory,
    "portal.news": NewsFactory,
    "portal.page": PageFactory,
}


def content_model(label):
    return apps.get_model(label)


def make_staff_user(django_user_model, role=None, username=None):
    name = username or (role or "nobody").lower()
    user = django_user_model.objects.create_user(
        name, f"{name}@example.org", "a-long-password-1", is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def prefilled_data(form):
    """What a browser sends back when a person submits an admin form as it was shown:
    every field's displayed value, files left as they are."""
    data = {}
    for bound in form:
        field, widget, value = bound.field, bound.field.widget, bound.value()
        if field.disabled or isinstance(field, forms.FileField):
            continue
        widget = getattr(widget, "widget", widget)  # the admin's related-field wrapper
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = _text(part)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [_text(item) for item in value]
        else:
            data[bound.html_name] = _text(value)
    return data


def change_form_data(response):
    """``prefilled_data`` for an admin change page: its form and its inlines."""
    data = prefilled_data(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(prefilled_data(formset.management_form))
        for form in formset.forms:
            data.update(prefilled_data(form))
    return data
