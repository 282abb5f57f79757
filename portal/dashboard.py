"""What needs a staff member's attention, for the admin index page."""

import datetime
from heapq import nlargest

from django.apps import apps
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.publishing import Publishable
from portal.roles import CONTENT_MODELS

LIMIT = 10


def content_models():
    return [apps.get_model(label) for label in CONTENT_MODELS]


def _admin_url(model, name, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}",
                       args=args)
    except NoReverseMatch:
        return None


def _entry(model, obj, **extra):
    return {"model": model._meta.verbose_name, "label": str(obj),
            "url": _admin_url(model, "change", obj.pk), **extra}


def _title_field(model):
    names = {f.name for f in model._meta.get_fields()}
    return "title" if "title" in names else "name"


def dashboard():
    today = timezone.localdate()
    Event = apps.get_model("events", "Event")
    upcoming = (Event.objects.filter(start_date__range=(today, today + datetime.timedelta(days=30)))
                .order_by("start_date")[:LIMIT])
    drafts, scheduled, untranslated, missing_alt, changed, deleted = [], [], [], [], [], []
    for model in content_models():
        if issubclass(model, Publishable):
            drafts += [_entry(model, obj, when=obj.updated_at)
                       for obj in model.objects.drafts().order_by("-updated_at")[:LIMIT]]
            scheduled += [_entry(model, obj, when=obj.publish_at)
                          for obj in model.objects.scheduled().order_by("publish_at")[:LIMIT]]
        title = _title_field(model)
        missing_en = Q(**{f"{title}_en__isnull": True}) | Q(**{f"{title}_en": ""})
        untranslated += [_entry(model, obj) for obj in model.objects.filter(missing_en)[:LIMIT]]
        if hasattr(model, "image_alt"):
            no_alt = (Q(image_alt_ko__isnull=True) | Q(image_alt_ko="")
                      | Q(image_alt_en__isnull=True) | Q(image_alt_en=""))
            missing_alt += [_entry(model, obj)
                            for obj in model.objects.exclude(image="").filter(no_alt)[:LIMIT]]
        history = model.history.select_related("history_user").order_by("-history_date")
        for record in history[:LIMIT]:
            changed.append({
                "model": model._meta.verbose_name, "label": str(record.instance),
                "url": _admin_url(model, "history", record.id),
                "when": record.history_date, "who": record.history_user,
                "kind": record.get_history_type_display(),
            })
        for record in history.filter(history_type="-")[:LIMIT]:
            deleted.append({
                "model": model._meta.verbose_name, "label": str(record.instance),
                "url": _admin_url(model, "history", record.id),
                "when": record.history_date, "who": record.history_user,
            })
    by_time = lambda item: item["when"]  # noqa: E731
    return {
        "upcoming_events": [_entry(Event, e, when=e.start_date) for e in upcoming],
        "drafts": nlargest(LIMIT, drafts, key=by_time),
        "scheduled": sorted(scheduled, key=by_time)[:LIMIT],
        "untranslated": untranslated[:LIMIT],
        "missing_alt": missing_alt[:LIMIT],
        "recent_changes": nlargest(LIMIT, changed, key=by_time),
        "recently_deleted": nlargest(LIMIT, deleted, key=by_time),
    }
