"""Garbage posted to the add and change form of every model registered in the admin, as
a superuser and as an Editor: never a 5xx; a form with errors says so and stores
nothing; a saved record is valid (``full_clean`` passes), its inline records too, and
an Editor's save publishes nothing. Also garbage in every changelist's filters.

The forms are read from the admin's own pages (fields, inlines and their management
forms, with the values they show), so a new model or field is fuzzed without being
listed here. Each example starts from what a person would send back unchanged, replaces
a few values (or drops them, or adds inline rows) and runs in a savepoint that is rolled
back, so the examples do not see each other's records.
"""

import traceback
from contextlib import contextmanager
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.formsets import TOTAL_FORM_COUNT
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import event, given, reject
from hypothesis import strategies as st
from simple_history.admin import SimpleHistoryAdmin

from cities.corrections import ProfileInvitation, ProfileProposal
from events.alerts.models import Subscription
from portal.blocks.admin import version_of
from portal.blocks.publishing import PublicationStatus, Publishable
from portal.blocks.revisions import Revision
from portal.blocks.roles import EDITOR
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
from tests.portal.admin_helpers import change_form_data, prefilled_data
from tests.portal.fuzzing import NASTY, fuzz_settings, garbage

pytestmark = pytest.mark.django_db

SUPERUSER, EDITOR_ROLE = "superuser", "editor"
ROLES = (SUPERUSER, EDITOR_ROLE)
LANGUAGES = ("ko", "en")
SUBMITS = ("_save", "_continue", "_addanother", "_saveasnew")
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
LABELS = [model._meta.label_lower for model in REGISTERED]

# What an add form needs that its model's change form does not show (a new user's
# password), so that an unchanged example can be saved.
ADD_EXTRAS = {
    "auth.user": {"password1": "a-long-password-1", "password2": "a-long-password-1"},
}


def make_records():
    """A record of every registered model to change: {label: record}."""
    home = CityFactory(slug="cheongju", is_home=True, latitude=36.6424, longitude=127.489)
    city = CityFactory(slug="icheon", country="JP")
    partnership = PartnershipFactory(city=city, partner=home)
    discipline = DisciplineFactory(slug="ceramics")
    institution = InstitutionFactory(slug="culture-factory", city=city)
    institution.disciplines.add(discipline)
    series = EventSeriesFactory(slug="biennale")
    event = EventFactory(slug="biennale-2025", series=series, venue=institution, city=city)
    event.organisers.add(institution)
    event.partnerships.add(partnership)
    EventFactory(slug="talk", parent=event, start_date=event.start_date, end_date=event.end_date)
    milestone = MilestoneFactory(city=city, event=event)
    news = NewsFactory(slug="designated")
    news.cities.add(city)
    news.events.add(event)
    invitation = ProfileInvitation.objects.create(
        city=city, recipient_name="Office", recipient_email="office@icheon.example"
    )

    document = DocumentFactory(slug="agreement")
    document.cities.add(city)
    document.events.add(event)
    document.news.add(news)
    figure = EditionFigureFactory(event=event, kind=FigureKindFactory(slug="visitors"))
    visitor = {"user_agent": "fuzz", "ip_address": "192.0.2.1", "username": "someone"}
    attempt = AccessAttempt.objects.create(
        **visitor, http_accept="*/*", path_info="/admin/login/", get_data="", post_data="",
        failures_since_start=1,
    )  # fmt: skip
    found = {
        "cities.city": city,
        "cities.partnership": partnership,
        "cities.milestone": milestone,
        "cities.profileinvitation": invitation,
        "cities.profileproposal": ProfileProposal.objects.create(
            invitation=invitation, city=city, submission="fuzz", values={"summary_en": "New."}
        ),
        "institutions.discipline": discipline,
        "institutions.institution": institution,
        "events.eventseries": series,
        "events.event": event,
        "portal.news": news,
        "portal.page": PageFactory(slug="about"),
        "portal.siteidentity": (identity := SiteIdentityFactory()),
        "portal.sociallink": SocialLinkFactory(identity=identity),
        "cities.cityimage": CityImageFactory(city=city),
        "institutions.institutionimage": InstitutionImageFactory(institution=institution),
        "events.eventimage": EventImageFactory(event=event),
        "portal.newsimage": NewsImageFactory(news=news),
        "portal.monitoringreport": (report := MonitoringReportFactory(city=home)),
        "portal.reportsection": ReportSectionFactory(report=report),
        "portal.document": document,
        "events.figurekind": figure.kind,
        "events.editionfigure": figure,
        "portal.revision": Revision.objects.create(
            content_type=ContentType.objects.get_for_model(news),
            object_id=news.pk,
            values={"title_en": "Designated again"},
            base_version=version_of(news),
        ),
        "auth.user": staff("colleague"),
        "auth.group": Group.objects.get(name=EDITOR),
        "axes.accessattempt": attempt,
        "axes.accesslog": AccessLog.objects.create(**visitor, http_accept="*/*", path_info="/"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            **visitor, http_accept="*/*", path_info="/"
        ),
        "alerts.subscription": subscription_to(series, city),
    }
    for model in REGISTERED:  # a model registered later than this fixture: any record
        label = model._meta.label_lower
        if label not in found and (first := model._default_manager.order_by("pk").first()):
            found[label] = first
    return found


def subscription_to(series, city):
    subscription = Subscription.objects.create(
        email="reader@example.org", language="ko", kinds=["workshop"]
    )
    subscription.series.add(series)
    subscription.cities.add(city)
    return subscription


def staff(username, **extra):
    # No password (force_login needs none): hashing one costs a good part of a second.
    return User.objects.create_user(username, f"{username}@example.org", None, **extra)


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class AdminSite:
    """The records, a signed-in client per role and the forms read so far, for one test
    (its examples share them). Its short repr keeps hypothesis's report readable."""

    def __init__(self):
        self.records = make_records()
        editor = staff("editor", is_staff=True)
        editor.groups.add(Group.objects.get(name=EDITOR))
        users = {SUPERUSER: staff("root", is_staff=True, is_superuser=True), EDITOR_ROLE: editor}
        self.clients = {}
        for role, user in users.items():
            self.clients[role] = Client()
            self.clients[role].force_login(
                user, backend="django.contrib.auth.backends.ModelBackend"
            )
        self.read = {}

    def __repr__(self):
        return "<the admin, signed in as a superuser and as an Editor>"


@pytest.fixture
def site(settings):
    # A user added through the admin has a password: hashed quickly in the tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return AdminSite()


def test_every_registered_model_has_a_record_to_change(site):
    missing = [label for label in LABELS if label not in site.records]
    assert not missing, f"add a record of {missing} to the fixture, so its change form is fuzzed"


# --- What a form is made of ---------------------------------------------------------------


class Slot(NamedTuple):
    """One input of a form: its name in the POST, and the form field that reads it."""

    name: str
    field: forms.Field
    parts: tuple  # the names a MultiWidget's parts are posted under


class Upload(NamedTuple):
    """A file to post (made into an upload when posted: an upload is read once)."""

    name: str
    content: bytes


def slots_of(form):
    found = []
    for bound in form:
        field = bound.field
        if field.disabled:
            continue
        widget = getattr(field.widget, "widget", field.widget)  # the admin's wrapper
        parts = ()
        if isinstance(widget, forms.MultiWidget):
            parts = tuple(f"{bound.html_name}{suffix}" for suffix in widget.widgets_names)
        found.append(Slot(bound.html_name, field, parts))
    return found


def plausible(field):
    """Values that this field would accept, read once per form: choices and keys."""
    values = set()
    if isinstance(field, forms.ModelChoiceField):
        values.update(str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20])
    elif hasattr(field, "choices"):
        for value, label in field.choices:
            if isinstance(label, (list, tuple)):
                values.update(str(inner) for inner, _label in label)
            elif value not in ("", None):
                values.add(str(value))
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        values.update({"0", "1", "2019", "36.6424", "127.489", "-90", "180.000001"})
        for bound in ("min_value", "max_value"):
            if getattr(field, bound, None) is not None:
                value = getattr(field, bound)
                values.update({str(value), str(value - 1), str(value + 1)})
    limit = getattr(field, "max_length", None)
    if limit:
        values.update({"x" * limit, "x" * (limit + 1), "가" * (limit + 1)})
    if isinstance(field, forms.EmailField):
        values.update({"office@example.org", "a@b", "@", "a@" + "b" * 300 + ".org"})
    if isinstance(field, forms.URLField):
        values.update({"example.org", "https://example.org/", "http://[::1", "ftp://x"})
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        values.update({"2025-10-31", "2025-12-01", "2026-02-29", "1999-01-01"})
    return sorted(values)


PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def values_for(slot, choices, sensible=False):
    """A strategy for what a client may post for ``slot``: a dict of POST items; with
    ``sensible``, mostly what the field would accept (for the fields of an added inline
    row, so that the row is saved often enough)."""
    field = slot.field
    if sensible and choices and not slot.parts and not isinstance(field, forms.FileField):
        sensible_value = st.sampled_from(choices).map(lambda value: {slot.name: value})
        return st.one_of(sensible_value, sensible_value, values_for(slot, choices))
    if isinstance(field, forms.FileField):
        upload = st.one_of(
            st.just(Upload("poster.png", PNG_1PX)),
            st.builds(Upload, st.sampled_from(["x.jpg", "x.png", "x.webp", "x", "../x.png"]),
                      st.binary(max_size=64)),
        )  # fmt: skip
        return st.one_of(
            upload.map(lambda file: {slot.name: file}),
            st.just({f"{slot.name}-clear": "on"}),
            st.just({}),
        )
    if slot.parts:
        return st.tuples(*(garbage(["2025-10-31", "18:30", "00:00:00"]) for _ in slot.parts)).map(
            lambda values: dict(zip(slot.parts, values, strict=True))
        )
    if isinstance(field, forms.BooleanField):
        return st.sampled_from([{}, {slot.name: "on"}, {slot.name: "false"}, {slot.name: "x"}])
    if isinstance(field, forms.MultipleChoiceField):  # ModelMultipleChoiceField too
        return st.lists(garbage(choices), max_size=3).map(lambda values: {slot.name: values})
    return garbage(choices).map(lambda value: {slot.name: value})


class FormSpec(NamedTuple):
    url: str
    status: int  # what the page answered to a GET
    main: int  # how many of the slots are the main form's (the rest are inlines')
    slots: list  # of the main form and every inline form shown
    baseline: dict  # what a person sends back unchanged
    choices: dict  # plausible values, per slot name
    new_rows: list  # (formset prefix, slots of its empty form) for added inline rows
    models: list  # the models a save may write: the admin's and its inlines'


def read_form(client, url, model):
    """The form at ``url`` as ``client`` is shown it."""
    response = client.get(url)
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        return FormSpec(url, response.status_code, 0, [], {}, {}, [], [model])
    form = response.context["adminform"].form
    slots = slots_of(form)
    main = len(slots)
    baseline = prefilled_data(form)
    new_rows, inline_models = [], []
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        inline_models.append(formset.model)
        management = formset.management_form
        baseline.update(prefilled_data(management))
        slots += [
            Slot(f"{formset.prefix}-{name}", field, ()) for name, field in management.fields.items()
        ]
        for inline_form in formset.forms:
            baseline.update(prefilled_data(inline_form))
            slots += slots_of(inline_form)
        new_rows.append((formset.prefix, slots_of(formset.empty_form)))
    choices = {slot.name: plausible(slot.field) for slot in slots}
    for _prefix, empty in new_rows:
        choices.update({slot.name: plausible(slot.field) for slot in empty})
    return FormSpec(url, 200, main, slots, baseline, choices, new_rows, [model, *inline_models])


def add_baseline(add, change, model):
    """An add form filled in as the change form of an existing record shows it, with
    its unique values made new and no inline rows: an example that changes nothing
    saves a new record."""
    unique = {f.name for f in model._meta.fields if f.unique and not f.primary_key}
    names = {name for slot in add.slots[: add.main] for name in (slot.parts or (slot.name,))}
    baseline = dict(add.baseline)
    for name, value in change.baseline.items():
        if name in names and not name.endswith("loaded_version"):
            baseline[name] = f"{value}-copy" if name in unique else value
    baseline.update(ADD_EXTRAS.get(model._meta.label_lower, {}))
    return baseline


def form_specs(site, model):
    """{(view, role): FormSpec} for the add and the change page of ``model``."""
    label = model._meta.label_lower
    info = model._meta.app_label, model._meta.model_name
    add_url = reverse("admin:{}_{}_add".format(*info))
    change_url = reverse("admin:{}_{}_change".format(*info), args=[site.records[label].pk])
    specs = {}
    for role, client in site.clients.items():
        change = read_form(client, change_url, model)
        add = read_form(client, add_url, model)
        if add.status == 200:
            add = add._replace(baseline=add_baseline(add, change, model))
        specs["change", role], specs["add", role] = change, add
    return specs


@st.composite
def posts(draw, spec):
    """What a client posts: the baseline with a few values replaced or dropped, some
    inline rows added, and one of the admin's submit buttons."""
    data = dict(spec.baseline)
    if spec.slots:
        chosen = draw(st.lists(st.sampled_from(spec.slots), unique=True, max_size=4))
        for slot in chosen:
            for name in slot.parts or (slot.name,):
                data.pop(name, None)
            if draw(st.integers(0, 5)):  # else left out, as a tampered form might
                data.update(draw(values_for(slot, spec.choices.get(slot.name, []))))
    for prefix, empty in spec.new_rows:
        added = draw(st.integers(0, 2))
        total_name = f"{prefix}-{TOTAL_FORM_COUNT}"
        try:
            start = int(data.get(total_name, 0))
        except (TypeError, ValueError):
            continue  # a count already made garbage: rows would not be read anyway
        for index in range(start, start + added):
            for slot in empty:
                row = slot._replace(
                    name=slot.name.replace("__prefix__", str(index)),
                    parts=tuple(p.replace("__prefix__", str(index)) for p in slot.parts),
                )
                choices = spec.choices.get(slot.name, [])
                data.update(draw(values_for(row, choices, sensible=True)))
        if added:
            data[total_name] = str(start + added)
    submit = draw(st.sampled_from(SUBMITS))
    data[submit] = "1"
    return data


def as_posted(data):
    return {
        name: SimpleUploadedFile(value.name, value.content) if isinstance(value, Upload) else value
        for name, value in data.items()
    }


# --- What the database holds ----------------------------------------------------------------


def snapshot(tracked):
    """Every row of the tracked models (by key, as values), the history rows of those
    that keep one, and the admin's log."""
    state = {}
    # modeltranslation reads a translated field's own name in the active language, which
    # a request leaves as it chose.
    with translation.override(settings.LANGUAGE_CODE):
        for model in tracked:
            state[model._meta.label] = {
                row["pk"]: row for row in model._base_manager.values("pk", *field_names(model))
            }
            history = getattr(model, "history", None)
            if history is not None:
                state[f"{model._meta.label} history"] = history.count()
    state["admin log"] = LogEntry.objects.count()
    return state


def field_names(model):
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def differences(before, after):
    """What changed between two snapshots, readably."""
    found = []
    for key in before:
        if before[key] == after.get(key):
            continue
        if not isinstance(before[key], dict):
            found.append(f"{key}: {before[key]} → {after.get(key)}")
            continue
        for pk in sorted(set(before[key]) | set(after[key]), key=str):
            old, new = before[key].get(pk), after[key].get(pk)
            if old is None or new is None:
                found.append(f"{key} {pk}: {'added' if old is None else 'deleted'}")
            elif old != new:
                fields = {name: (old[name], new[name]) for name in old if old[name] != new[name]}
                found.append(f"{key} {pk}: {fields}")
    return found


def changed_rows(model, before, after):
    """(key, row before or None) of the rows of ``model`` a save added or changed."""
    old, new = before[model._meta.label], after[model._meta.label]
    return [(pk, old.get(pk)) for pk, row in new.items() if old.get(pk) != row]


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Known failures ----------------------------------------------------------------------
#
# A 5xx found here whose fix belongs elsewhere (the admin's widgets and edit guards,
# images, imports) is kept as an explicit example below (xfail, strict: it fails once
# fixed, so that the entry is removed) and passed over here, so that the fuzz goes on
# finding the rest. Each entry: (test of the raised exception, reason).
def raised_in(error, function, path):
    """Whether ``error`` was raised inside ``function`` of a file ending in ``path``."""
    frames = traceback.extract_tb(error.__traceback__)
    return any(f.name == function and f.filename.endswith(path) for f in frames)


KNOWN_FAILURES = []


def known_failure(error):
    return next((reason for test, reason in KNOWN_FAILURES if test(error)), None)


def send(client, method, url, data, lang="en"):
    """``client``'s answer, or hypothesis's reject() for a known failure."""
    headers = {"accept-language": lang}
    try:
        if method == "post":
            return client.post(url, as_posted(data), headers=headers)
        return client.get(url, data, headers=headers)
    except Exception as error:
        reason = known_failure(error)
        if reason is None:
            raise
        event(f"known failure: {reason}")
        reject()


# --- The checks -----------------------------------------------------------------------------


def check_answer(response, spec, role, before, after):
    status = response.status_code
    event(f"HTTP {status}")
    assert status < 500, f"{spec.url} answered {status}"
    if spec.status != 200 or status == 403:
        # A page this role may not open may not be posted to either; nor may one that
        # would add a record ("save as new") be posted by a role that may not add.
        assert status == 403, f"{spec.url}: GET {spec.status}, POST {status}"
        assert before == after, f"{spec.url}: refused, yet {differences(before, after)}"
        return
    if status == 200:
        html = response.content.decode()
        assert 'class="errornote"' in html or "errorlist" in html, (
            f"{spec.url}: answered 200 without saving and without naming an error"
        )
        assert before == after, f"{spec.url}: errors, yet {differences(before, after)}"
        return
    assert status == 302, f"{spec.url} answered {status}"
    event("saved")
    check_saved(spec, role, before, after)


def check_saved(spec, role, before, after):
    """Every row the save added or changed is valid and, for an Editor, unpublished."""
    for model in spec.models:
        for pk, old in changed_rows(model, before, after):
            record = model._base_manager.get(pk=pk)
            record.full_clean()
            if role == EDITOR_ROLE and issubclass(model, Publishable):
                if old is None:
                    assert record.status == PublicationStatus.DRAFT, f"an Editor published {pk}"
                else:
                    assert (record.status, record.publish_at) == (
                        old["status"],
                        old["publish_at"],
                    ), f"an Editor changed the publication of {model._meta.label} {pk}"
    history = getattr(spec.models[0], "history", None)
    if history is not None:
        label = spec.models[0]._meta.label
        # An Editor's change to a live record waits as a proposal: the record, and so its
        # history, stay as they were.
        proposed = role == EDITOR_ROLE and after[label] == before[label]
        assert proposed or after[f"{label} history"] > before[f"{label} history"], (
            "a save left no history"
        )


# --- The tests ------------------------------------------------------------------------------


def model_of(label):
    return next(model for model in REGISTERED if model._meta.label_lower == label)


@pytest.mark.parametrize("label", LABELS)
@fuzz_settings(max_examples=6)
@given(data=st.data())
def test_admin_forms_take_any_post(site, label, data):
    if label not in site.read:
        site.read[label] = form_specs(site, model_of(label))
    view = data.draw(st.sampled_from(["add", "change"]), label="view")
    role = data.draw(st.sampled_from(ROLES), label="role")
    lang = data.draw(st.sampled_from(LANGUAGES), label="lang")
    spec = site.read[label][view, role]
    sent = data.draw(posts(spec), label="post")
    with rolled_back():
        before = snapshot(spec.models)
        response = send(site.clients[role], "post", spec.url, sent, lang)
        check_answer(response, spec, role, before, snapshot(spec.models))


def changelist_params(client, url):
    """The parameter names and values a changelist's own links use (its filters, date
    drill-down, sorting, pages), and the admin's other parameters."""
    response = client.get(url)
    names = {"q", "o", "p", "e", "all", "_to_field", "_popup", "_changelist_filters"}
    values = set()
    changelist = (response.context or {}).get("cl")
    if changelist is not None:
        for spec in changelist.filter_specs:
            names.update(spec.expected_parameters())
            for choice in spec.choices(changelist):
                query = choice.get("query_string", "").lstrip("?")
                for pair in filter(None, query.split("&")):
                    name, _sep, value = pair.partition("=")
                    names.add(name)
                    values.add(value)
        if changelist.date_hierarchy:
            field = changelist.date_hierarchy
            names.update(f"{field}__{part}" for part in ("year", "month", "day"))
    return response.status_code, sorted(names), sorted(values)


@pytest.mark.parametrize("label", LABELS)
@fuzz_settings(max_examples=4)
@given(data=st.data())
def test_changelists_take_any_query(site, label, data):
    info = model_of(label)._meta.app_label, model_of(label)._meta.model_name
    url = reverse("admin:{}_{}_changelist".format(*info))
    role = data.draw(st.sampled_from(ROLES), label="role")
    if (url, role) not in site.read:
        site.read[url, role] = changelist_params(site.clients[role], url)
    status, names, values = site.read[url, role]
    params = data.draw(
        st.lists(st.tuples(st.sampled_from(names), garbage(values)), max_size=4), label="query"
    )
    response = send(site.clients[role], "get", url, params)
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500
    if status == 200:
        # An invalid filter sends the list back to itself with ?e=1, which shows it all;
        # a relation the admin does not offer (_to_field) is a 400.
        assert response.status_code in (200, 302, 400), response.status_code


def autocomplete_fields():
    """(app_label, model_name, field_name) of every autocomplete field of the admin."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            found.append((model._meta.app_label, model._meta.model_name, name))
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                found.append((inline.model._meta.app_label, inline.model._meta.model_name, name))
    return sorted(set(found))


@fuzz_settings(max_examples=10)
@given(data=st.data())
def test_autocomplete_takes_any_query(site, data):
    """The admin's autocomplete (the JSON the relation fields ask for as staff type)."""
    app_label, model_name, field_name = data.draw(st.sampled_from(autocomplete_fields()))
    params = {
        "app_label": app_label,
        "model_name": model_name,
        "field_name": field_name,
        "term": data.draw(garbage(["도", "cheong", "a", ""]), label="term"),
    }
    for name in data.draw(st.sets(st.sampled_from(sorted(params) + ["page"])), label="garbled"):
        params[name] = data.draw(garbage(["1", "2", "0"]), label=name)
    role = data.draw(st.sampled_from(ROLES), label="role")
    response = send(site.clients[role], "get", reverse("admin:autocomplete"), params)
    event(f"HTTP {response.status_code}")
    # 403 for a field or model the admin does not offer, 404 for a page past the last.
    assert response.status_code in (200, 403, 404)


# Every model whose admin keeps an edit history has a list of its deleted records.
HISTORIES = [
    label
    for label in LABELS
    if isinstance(admin.site._registry[model_of(label)], SimpleHistoryAdmin)
]


@pytest.mark.parametrize("label", HISTORIES)
@fuzz_settings(max_examples=4)
@given(data=st.data())
def test_deleted_records_lists_take_any_query(site, label, data):
    url = reverse("admin-deleted-records", args=label.split("."))
    role = data.draw(st.sampled_from(ROLES), label="role")
    names = st.sampled_from(["q", "p", "o", "e"])
    params = data.draw(st.lists(st.tuples(names, garbage(["1", "2", "last"])), max_size=3))
    response = site.clients[role].get(url, params)
    event(f"HTTP {response.status_code}")
    assert response.status_code == 200


def test_a_search_of_deleted_records_with_a_nul_byte_says_so(site):
    """Found by fuzzing: on PostgreSQL, whose text cannot hold NUL, the search was a
    500. As the admin's own lists do, the search is refused with a message and the list
    shown whole."""
    news = site.records["portal.news"]
    news.delete()
    response = site.clients[EDITOR_ROLE].get(
        reverse("admin-deleted-records", args=["portal", "news"]),
        {"q": "design\x00ated"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text
    assert str(news) in response.text


def test_an_autocomplete_key_that_is_no_number_is_a_form_error(site):
    """Found by the fuzz above (first as a new partnership row of a city posted with
    " " as its partner): the form should come back with "Select a valid choice", as
    it does for a number that names no record. Django's AutocompleteSelect reads the
    posted value back from the database to show it, unchecked, and raises ValueError
    (``Field 'id' expected a number but got ' '``) while rendering the errors."""
    client = site.clients[SUPERUSER]
    client.raise_request_exception = False
    url = reverse("admin:cities_milestone_change", args=[site.records["cities.milestone"].pk])
    data = change_form_data(client.get(url))
    data["event"] = " "
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'class="errornote"' in response.text


@pytest.mark.parametrize(
    "url, params",
    [
        ("admin:institutions_institution_changelist", {"kind__exact": "\x00"}),
        ("admin:cities_city_changelist", {"status__exact": "a\x00"}),
        (
            "admin:autocomplete",
            {"term": "a\x00b", "app_label": "events", "model_name": "event", "field_name": "venue"},
        ),
    ],
)
def test_a_nul_character_in_an_admin_query_is_no_server_error(site, url, params):
    """Found by the fuzz above, on PostgreSQL only (SQLite text holds NUL): the admin
    goes to the same address without the value, which no record could match."""
    client = site.clients[SUPERUSER]
    response = client.get(reverse(url), {**params, "o": "1"})
    assert response.status_code == 302
    kept = {key: value for key, value in params.items() if "\x00" not in value}
    assert response["Location"] == f"{reverse(url)}?{urlencode({**kept, 'o': '1'})}"
    assert client.get(response["Location"]).status_code == 200


def test_garbage_post_to_a_page_nobody_may_post_to(site):
    """Access attempts are read-only in the admin: adding one is refused."""
    response = site.clients[SUPERUSER].post(
        reverse("admin:axes_accessattempt_add"), {"username": NASTY[-1], "_save": "1"}
    )
    assert response.status_code == 403
    assert not AccessAttempt.objects.filter(username=NASTY[-1]).exists()
