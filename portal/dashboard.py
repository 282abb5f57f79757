"""What needs a staff member's attention, for the admin index page.

The "missing English", "missing Korean" and "missing alt text" checks are also the
admin's "needs attention" list filter (``portal.blocks.admin.AttentionFilter``; the
checks are in ``portal.blocks.attention``), so a count on the dashboard and the list it
links to are the same query. Out-of-date translations come from the stamps of
``portal.blocks.translation_age``.
"""

import datetime
from heapq import nlargest

from django.apps import apps
from django.contrib import admin
from django.db.models.functions import Coalesce, Greatest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language_info

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
from portal.blocks.translation_age import languages, out_of_date_languages, stale_translation, stamp

LIMIT = 10


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


def _attention_counts(model, model_admin, kind):
    condition = NEEDS_ATTENTION[kind](model)
    if condition is None:
        return None
    count = model._default_manager.filter(condition).count()
    if not count:
        return None
    url = _admin_url(model, "changelist")
    # Admins built on ContentAdmin offer the matching list filter; the others (a
    # lookup table such as disciplines) are small enough to read whole.
    if url and getattr(model_admin, "attention_filter", None):
        url += "?" + urlencode({ATTENTION: kind})
    return {"model": model._meta.verbose_name_plural, "count": count, "url": url}


def _stale_translations(model):
    """Up to LIMIT records of ``model`` with a translation older than the text it
    translates, newest change first: one query."""
    conditions = [stale_translation(model, lang) for lang in languages()]
    conditions = [condition for condition in conditions if condition is not None]
    if not conditions:
        return []
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    stamps = [stamp(lang) for lang in languages()]
    # Greatest is NULL on SQLite when any stamp is: each falls back to the others.
    latest = Greatest(*(Coalesce(name, *(o for o in stamps if o != name)) for name in stamps))
    found = model._default_manager.filter(condition).order_by(latest.desc())
    entries = []
    for obj in found[:LIMIT]:
        behind = out_of_date_languages(obj)
        entries.append(
            _entry(
                model,
                obj,
                when=max(getattr(obj, name) for name in stamps if getattr(obj, name)),
                languages=[get_language_info(lang)["name_translated"] for lang in behind],
            )
        )
    return entries


def dashboard():
    today = timezone.localdate()
    Event = apps.get_model("events", "Event")
    upcoming = Event.objects.filter(
        start_date__range=(today, today + datetime.timedelta(days=30))
    ).order_by("start_date")[:LIMIT]
    drafts, scheduled, changed, deleted = [], [], [], []
    untranslated, missing_korean, missing_alt, deleted_by_model = [], [], [], []
    stale = []
    for model in content_models():
        model_admin = admin.site._registry.get(model)
        if issubclass(model, Publishable):
            drafts += [
                _entry(model, obj, when=obj.updated_at)
                for obj in model.objects.drafts().order_by("-updated_at")[:LIMIT]
            ]
            scheduled += [
                _entry(model, obj, when=obj.publish_at)
                for obj in model.objects.scheduled().order_by("publish_at")[:LIMIT]
            ]
        # Counts per model, so that one model with many gaps does not hide the others.
        for kind, found in (
            (MISSING_ENGLISH, untranslated),
            (MISSING_KOREAN, missing_korean),
            (MISSING_ALT, missing_alt),
        ):
            entry = _attention_counts(model, model_admin, kind)
            if entry:
                found.append(entry)
        stale += _stale_translations(model)
        # Labels from history_object, built from the version alone (instance would read
        # the live record's excluded fields: a query per line).
        history = model.history.select_related("history_user").order_by("-history_date")
        for record in history[:LIMIT]:
            changed.append(
                {
                    "model": model._meta.verbose_name,
                    "label": str(record.history_object),
                    "url": _admin_url(model, "history", record.id),
                    "when": record.history_date,
                    "who": record.history_user,
                    "kind": record.get_history_type_display(),
                }
            )
        still_deleted = deleted_records(model).select_related("history_user")
        for record in still_deleted.order_by("-history_date")[:LIMIT]:
            deleted.append(
                {
                    "model": model._meta.verbose_name,
                    "label": str(record.history_object),
                    "url": _admin_url(model, "history", record.id),
                    "when": record.history_date,
                    "who": record.history_user,
                }
            )
        count = still_deleted.count()
        if count:
            deleted_by_model.append(
                {
                    "model": model._meta.verbose_name_plural,
                    "count": count,
                    "url": reverse(
                        "admin-deleted-records",
                        args=[model._meta.app_label, model._meta.model_name],
                    ),
                }
            )
    by_time = lambda item: item["when"]  # noqa: E731
    return {
        "upcoming_events": [_entry(Event, e, when=e.start_date) for e in upcoming],
        "drafts": nlargest(LIMIT, drafts, key=by_time),
        "pending_review": pending_review(),
        "scheduled": sorted(scheduled, key=by_time)[:LIMIT],
        "untranslated": untranslated,
        "missing_korean": missing_korean,
        "stale_translations": nlargest(LIMIT, stale, key=by_time),
        "missing_alt": missing_alt,
        "recent_changes": nlargest(LIMIT, changed, key=by_time),
        "recently_deleted": nlargest(LIMIT, deleted, key=by_time),
        "deleted_by_model": deleted_by_model,
    }
