"""What needs a staff member's attention, for the admin index page.

The "missing English", "missing Korean" and "missing alt text" checks are also the
admin's "needs attention" list filter (``portal.blocks.admin.AttentionFilter``; the
checks are in ``portal.blocks.attention``), so a count on the dashboard and the list it
links to are the same query. Out-of-date translations come from the stamps of
``portal.blocks.translation_age``.

Each panel is one query whatever the number of content models or records: the models'
rows are combined with ``UNION ALL``, each part reading at most ``LIMIT`` rows through
its own ordered subquery, and a row carries its label's columns (so no record is loaded
to print it).
"""

import datetime

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_info

from cities.corrections import ProfileProposal, ProposalState
from cities.suggestions import suggested_partners
from portal import reports
from portal.blocks.attention import (
    ATTENTION,
    MISSING_ALT,
    MISSING_ENGLISH,
    MISSING_KOREAN,
    NEEDS_ATTENTION,
    deleted_records,
)
from portal.blocks.content import content_models
from portal.blocks.publishing import Publishable
from portal.blocks.revisions import pending_review
from portal.blocks.translation_age import languages, stale_translation, stamp

LIMIT = 10

# The field a record's label (its ``__str__``) is made of, first found, then the
# column it falls back to when that is empty.
LABEL_FIELDS = ("title", "name", "site_name", "network")
LABEL_FALLBACKS = ("slug", "url")


def _admin_url(model, name, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)
    except NoReverseMatch:
        return None


def _entry(model, obj, **extra):
    return {
        "model": model._meta.verbose_name,
        "label": str(obj),
        "url": _admin_url(model, "change", obj.pk),
        **extra,
    }


def _label_columns(model):
    """The columns a row's label is read from: the label field in Korean and English
    (or alone, if it is not translated), then a fallback column; empty text where the
    model has no such field."""
    names = {field.name for field in model._meta.get_fields()}
    field = next((name for name in LABEL_FIELDS if name in names), None)
    fallback = next((name for name in LABEL_FALLBACKS if name in names), None)
    empty = Value("", output_field=CharField())

    def column(name):
        return F(name) if name and name in names else empty

    translated = field and f"{field}_ko" in names
    return {
        "row_label_ko": column(f"{field}_ko" if translated else field),
        "row_label_en": column(f"{field}_en" if translated else None),
        "row_label_other": column(fallback),
    }


def _label(row):
    order = ("row_label_ko", "row_label_en")
    if get_language() == "en":
        order = order[::-1]
    for key in (*order, "row_label_other"):
        if row.get(key):
            return row[key]
    return ""


def _union(parts, order, limit=LIMIT):
    """The rows of every part (querysets of ``values()`` with the same columns), the
    first ``limit`` by ``order``: one query."""
    parts = list(parts)
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return list(combined.order_by(order)[:limit])


def _latest(queryset, order, key="pk"):
    """``queryset`` narrowed to its first ``LIMIT`` rows by ``order``, as a filter (a
    UNION part cannot be ordered or sliced itself on every database)."""
    return queryset.model._base_manager.filter(
        **{f"{key}__in": queryset.order_by(order).values(key)[:LIMIT]}
    )


def _models_by_label():
    return {model._meta.label_lower: model for model in content_models()}


def _records(queryset, model, when, **extra):
    """A UNION part: the model's label, the row's key, its time and label columns (named
    explicitly: ``values()`` with expressions alone would select every field)."""
    columns = {
        "row_model": Value(model._meta.label_lower, output_field=CharField()),
        "row_key": F("pk"),
        "row_when": F(when),
        **_label_columns(model),
        **extra,
    }
    return queryset.order_by().annotate(**columns).values(*columns)


def _row_entry(models, row, **extra):
    """A dashboard line from a UNION row of ``_records``."""
    model = models[row["row_model"]]
    return {
        "model": model._meta.verbose_name,
        "label": _label(row),
        "url": _admin_url(model, "change", row["row_key"]),
        "when": row["row_when"],
        **extra,
    }


def publication_queue(select, order):
    """Drafts (``select`` = "drafts") or records scheduled to publish ("scheduled"), of
    every publishable model."""
    when = "updated_at" if select == "drafts" else "publish_at"
    parts = [
        _records(
            _latest(getattr(model.objects, select)(), order.replace("row_when", when)), model, when
        )
        for model in content_models()
        if issubclass(model, Publishable)
    ]
    models = _models_by_label()
    return [_row_entry(models, row) for row in _union(parts, order)]


def _history_rows(history_of, include_type=False):
    """The latest ``LIMIT`` history records of every content model, as rows; ``history_of``
    gives the records of a model to choose from."""
    parts = []
    for model in content_models():
        records = _latest(history_of(model), "-history_date", key="history_id")
        extra = {
            "row_key": F("id"),  # the record's, not its version's
            "row_user": F("history_user_id"),
            "row_change": F("history_type"),
        }
        parts.append(_records(records, model, "history_date", **extra))
    rows = _union(parts, "-row_when")
    people = {row["row_user"] for row in rows if row["row_user"]}
    users = get_user_model()._default_manager.in_bulk(people) if people else {}
    models = _models_by_label()
    # Every history model has the same choices of change ("Created", "Changed", …).
    kinds = (
        dict(models[rows[0]["row_model"]].history.model.history_type.field.choices) if rows else {}
    )
    return [
        {
            "model": models[row["row_model"]]._meta.verbose_name,
            "label": _label(row),
            "url": _admin_url(models[row["row_model"]], "history", row["row_key"]),
            "when": row["row_when"],
            "who": users.get(row["row_user"]),
            **({"kind": kinds.get(row["row_change"], row["row_change"])} if include_type else {}),
        }
        for row in rows
    ]


def recent_changes():
    return _history_rows(lambda model: model.history.all(), include_type=True)


def recently_deleted():
    return _history_rows(deleted_records)


def counts_by_model(querysets):
    """``{model: count}`` of each queryset of ``{model: queryset}``, in one query;
    models with none are left out."""
    parts = [
        queryset.order_by()
        .annotate(row_model=Value(model._meta.label_lower, output_field=CharField()))
        .values("row_model")
        .annotate(row_count=Count("pk"))
        .values("row_model", "row_count")
        for model, queryset in querysets.items()
    ]
    if not parts:
        return {}
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    models = _models_by_label()
    return {models[row["row_model"]]: row["row_count"] for row in combined if row["row_count"]}


def deleted_by_model():
    counts = counts_by_model({model: deleted_records(model) for model in content_models()})
    return [
        {
            "model": model._meta.verbose_name_plural,
            "count": count,
            "url": reverse(
                "admin-deleted-records", args=[model._meta.app_label, model._meta.model_name]
            ),
        }
        for model, count in counts.items()
    ]


def needing_attention(kind):
    """Per model (so that one model with many gaps does not hide the others), how many
    records lack what ``kind`` checks, linking to the filtered list."""
    conditions = {model: NEEDS_ATTENTION[kind](model) for model in content_models()}
    counts = counts_by_model(
        {
            model: model._default_manager.filter(condition)
            for model, condition in conditions.items()
            if condition is not None
        }
    )
    found = []
    for model in content_models():
        if model not in counts:
            continue
        url = _admin_url(model, "changelist")
        # Admins built on ContentAdmin offer the matching list filter; the others (a
        # lookup table such as disciplines) are small enough to read whole.
        if url and getattr(admin.site._registry.get(model), "attention_filter", None):
            url += "?" + urlencode({ATTENTION: kind})
        found.append({"model": model._meta.verbose_name_plural, "count": counts[model], "url": url})
    return found


def stale_translations():
    """Up to LIMIT records, of every content model, with a translation older than the
    text it translates, newest change first: one query (a UNION part per model, each
    with a column per language saying whether that language is behind)."""
    stamps = [stamp(lang) for lang in languages()]
    # Greatest is NULL on SQLite when any stamp is: each falls back to the others.
    latest = Greatest(*(Coalesce(name, *(o for o in stamps if o != name)) for name in stamps))
    parts = []
    for model in content_models():
        behind = {lang: stale_translation(model, lang) for lang in languages()}
        if any(condition is None for condition in behind.values()):
            continue
        condition = Q()
        for one in behind.values():
            condition |= one
        found = model._default_manager.filter(condition).annotate(stale_when=latest)
        flags = {
            f"row_behind_{lang}": Case(
                When(one, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
            for lang, one in behind.items()
        }
        parts.append(
            _records(
                _latest(found, "-stale_when").annotate(stale_when=latest),
                model,
                "stale_when",
                **flags,
            )
        )
    models = _models_by_label()
    return [
        _row_entry(
            models,
            row,
            languages=[
                get_language_info(lang)["name_translated"]
                for lang in languages()
                if row[f"row_behind_{lang}"]
            ],
        )
        for row in _union(parts, "-row_when")
    ]


def upcoming_events():
    today = timezone.localdate()
    Event = apps.get_model("events", "Event")
    upcoming = (
        Event.objects.filter(start_date__range=(today, today + datetime.timedelta(days=30)))
        .only("pk", "slug", "title_ko", "title_en", "start_date")
        .order_by("start_date")[:LIMIT]
    )
    return [_entry(Event, event, when=event.start_date) for event in upcoming]


def monitoring_report():
    """The home city's next Membership Monitoring Report: when it is due, and the report
    if one is started (portal.reports)."""
    City = apps.get_model("cities", "City")
    due = reports.next_due(City.objects.home().only("pk", "designation_year").first())
    if due is None:
        return None
    due["url"] = (
        reverse("admin:portal_monitoringreport_change", args=[due["report"].pk])
        if due["report"]
        else reverse("admin:portal_monitoringreport_add")
    )
    return due


def partner_corrections():
    """How many corrections proposed by partner cities wait for review (one query)."""
    url = reverse("admin:cities_profileproposal_changelist") + f"?state={ProposalState.PENDING}"
    return {"count": ProfileProposal.objects.pending().count(), "url": url}


def dashboard():
    return {
        "monitoring_report": monitoring_report(),
        "upcoming_events": upcoming_events(),
        "drafts": publication_queue("drafts", "-row_when"),
        "scheduled": publication_queue("scheduled", "row_when"),
        "pending_review": pending_review(),
        "partner_corrections": partner_corrections(),
        "partner_suggestions": suggested_partners(),
        "untranslated": needing_attention(MISSING_ENGLISH),
        "missing_korean": needing_attention(MISSING_KOREAN),
        "stale_translations": stale_translations(),
        "missing_alt": needing_attention(MISSING_ALT),
        "recent_changes": recent_changes(),
        "recently_deleted": recently_deleted(),
        "deleted_by_model": deleted_by_model(),
    }
