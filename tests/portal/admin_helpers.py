"""Helpers for tests that go through the admin as staff do."""

import datetime

from django import forms
from django.apps import apps
from django.contrib.auth.models import Group

from tests.factories import (
    CityFactory,
    CityImageFactory,
    DisciplineFactory,
    DocumentFactory,
    EditionFigureFactory,
    EventFactory,
    EventImageFactory,
    EventSeriesFactory,
    FigureKindFactory,
    GuidelineSectionFactory,
    InstitutionFactory,
    InstitutionImageFactory,
    MilestoneFactory,
    MonitoringReportFactory,
    NewsFactory,
    NewsImageFactory,
    PageFactory,
    PartnershipFactory,
    ReportSectionFactory,
    SiteIdentityFactory,
    SocialLinkFactory,
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
    "portal.siteidentity": SiteIdentityFactory,
    "portal.sociallink": SocialLinkFactory,
    "cities.cityimage": CityImageFactory,
    "institutions.institutionimage": InstitutionImageFactory,
    "events.eventimage": EventImageFactory,
    "portal.newsimage": NewsImageFactory,
    "portal.guidelinesection": GuidelineSectionFactory,
    "portal.monitoringreport": MonitoringReportFactory,
    "portal.reportsection": ReportSectionFactory,
    "portal.document": DocumentFactory,
    "events.figurekind": FigureKindFactory,
    "events.editionfigure": EditionFigureFactory,
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


def totp_code(device, steps_ahead=0):
    """The code ``device``'s app shows now, or ``steps_ahead`` periods of 30 seconds
    later: a code is accepted once, so a second sign-in within the same period takes
    the next one, which the device's tolerance of one step allows."""
    from django_otp.oath import totp

    code = totp(device.bin_key, device.step, device.t0 - steps_ahead * device.step, device.digits)
    return f"{code:0{device.digits}d}"


def set_up_app(user):
    """An authenticator app set up for ``user`` as the setup page does; returns the
    recovery codes."""
    from portal.two_factor import devices

    return devices.finish_enrolment(devices.enrolment_device(user))


def pass_second_step(client, user):
    """What the second step of signing in leaves in a session: the device that verified
    it (django-otp's session key), with an authenticator app made for ``user`` if they
    have none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
