"""Edit history that staff can read: each version lists only the fields that changed,
with values as the form shows them (choice labels, the names of linked records, local
times, "empty" rather than None, long texts cut around what changed, not "[38 chars]"),
and a revert says which version it went back to.

``ReadableHistory`` is the admin mixin (put before ``SimpleHistoryAdmin`` in the bases);
``templates/simple_history/object_history_list.html`` is the table it fills.
"""

import dataclasses
import datetime
import re

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from portal.blocks.publishing import PublicationStatus

# A long text is shown as the words around its first change, this many characters on
# each side.
CONTEXT_CHARS = 60
# What a revert writes in the history, in English with the version's time (ISO): it is
# shown translated, in the reader's language and time format (``reason_display``).
REVERTED = gettext_noop("Reverted to the version of %(date)s")
REVERTED_PATTERN = re.compile(r"^Reverted to the version of (?P<date>\S+)$")
# What the admin's publish and withdraw actions write.
STATUS_PATTERN = re.compile(r"^status → (?P<status>\w+)$")


def revert_reason(version_date):
    return REVERTED % {"date": version_date.isoformat(timespec="seconds")}


def reason_display(reason):
    """A stored change reason in the reader's language."""
    if not reason:
        return ""
    found = REVERTED_PATTERN.match(reason)
    if found:
        when = parse_datetime(found["date"])
        if when is not None:
            return gettext(REVERTED) % {"date": local_datetime(when)}
    found = STATUS_PATTERN.match(reason)
    if found and found["status"] in PublicationStatus.values:
        return gettext("Status set to “%(status)s”") % {
            "status": PublicationStatus(found["status"]).label
        }
    return gettext(reason)


def local_datetime(value):
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")


def _shorten(old, new):
    """``old`` and ``new`` cut to the part that differs, with some context, when they
    are long; "…" marks what was left out."""
    if max(len(old), len(new)) <= 2 * CONTEXT_CHARS:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while (
        end < min(len(old), len(new)) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]
    ):
        end += 1
    begin = max(0, start - CONTEXT_CHARS)

    def cut(text):
        stop = min(len(text), max(len(text) - end + CONTEXT_CHARS, start + CONTEXT_CHARS))
        return ("…" if begin else "") + text[begin:stop] + ("…" if stop < len(text) else "")

    return cut(old), cut(new)


class ReadableChanges(HistoricalRecordContextHelper):
    """The changes of one version, as staff read them."""

    def context_for_delta_changes(self, delta):
        # A translated field's own column mirrors one of its languages: list the
        # languages ("description [ko]", "description [en]"), not that copy too.
        try:
            mirrored = set(translator.get_options_for_model(self.model).all_fields)
        except NotRegistered:
            mirrored = set()
        changes = [change for change in delta.changes if change.field not in mirrored]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def format_delta_change(self, change):
        field = self.model._meta.get_field(change.field)
        old, new = self.readable(field, change.old), self.readable(field, change.new)
        if isinstance(old, str) and isinstance(new, str):
            old, new = _shorten(old, new)
        return dataclasses.replace(
            change,
            field=capfirst(field.verbose_name),
            old=old if old != "" else self.empty(),
            new=new if new != "" else self.empty(),
        )

    @staticmethod
    def empty():
        return format_html('<span class="history-empty">{}</span>', _("(empty)"))

    def readable(self, field, value):
        if isinstance(field, models.ManyToManyField):
            return self.linked(field, value)
        if isinstance(value, DeletedObject):
            # simple-history's stand-in for a link to no record, or to one since deleted.
            if value.pk is None:
                return ""
            return gettext("%(kind)s no longer on record (no. %(pk)s)") % {
                "kind": capfirst(value.model._meta.verbose_name),
                "pk": value.pk,
            }
        if value is None or value == "":
            return ""
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, datetime.datetime):
            return local_datetime(value)
        if isinstance(value, datetime.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(field, models.FileField):
            return str(value).rsplit("/", 1)[-1]
        if isinstance(value, (int, float)) and not isinstance(field, models.ForeignKey):
            return number_format(value)
        return str(value)

    def linked(self, field, rows):
        """The names of a version's linked records (simple-history gives the records
        themselves, or their keys)."""
        target = get_m2m_reverse_field_name(field)
        linked = [row[target] for row in rows]
        keys = [value for value in linked if not isinstance(value, models.Model)]
        names = field.related_model._base_manager.in_bulk(keys) if keys else {}
        return ", ".join(
            str(value if isinstance(value, models.Model) else names.get(value, value))
            for value in linked
        )


class ReadableHistory:
    """Admin mixin for models with simple-history: the readable history table and the
    reason a revert records."""

    object_history_list_template = "simple_history/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def render_history_view(self, request, template, context, **kwargs):
        for record in context.get("page_obj", ()) or ():
            record.reason_display = reason_display(record.history_change_reason)
        return super().render_history_view(request, template, context, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # On the request, not the admin (one instance serves every thread).
        request.reverting_to_version = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, "reverting_to_version", None)
        if version_id is not None:
            history = obj.history.model
            when = (
                history.objects.filter(history_id=version_id)
                .values_list("history_date", flat=True)
                .first()
            )
            if when is not None:
                obj._change_reason = revert_reason(timezone.localtime(when))
        super().save_model(request, obj, form, change)
