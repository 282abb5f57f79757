"""Four eyes on live content: an Editor's change to a published record waits for a
Publisher.

When ``REVIEW_LIVE_EDITS`` is on (the default), the content admin
(``portal.blocks.admin.ContentAdmin``) does not write an Editor's change to a published
record: it keeps it here as a pending ``Revision``, the proposed values of the fields
the Editor changed. The public keeps seeing the published version. A Publisher reviews
it field by field and approves it (``approve``: the values go through the record's
normal ``save()``, so the history records it and the page cache drops what showed the
record) or rejects it (``reject``: the record stays as it is).

A revision remembers the version of the record it was made from (``base_version``,
the record's ``updated_at``). If the record changed since, approving is refused: the
Publisher would otherwise put back, unseen, what the Editor's form showed of fields
someone has changed since.

Light on purpose (Django only): ``portal.models`` imports it so that the model is
registered.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.blocks.publishing import PublicationStatus


class RevisionState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Replaced by a later proposal")


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=RevisionState.PENDING)

    def of(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
            object_id=record.pk,
        )


class Revision(models.Model):
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    values = models.JSONField(
        _("proposed values"),
        encoder=DjangoJSONEncoder,
        help_text=_("The fields the change sets, by column, as text."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposed_revisions",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True, db_index=True)
    base_version = models.CharField(
        _("version it was made from"),
        max_length=40,
        blank=True,
        help_text=_("When the record was last saved before the change was proposed."),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RevisionState.choices,
        default=RevisionState.PENDING,
        db_index=True,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_revisions",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    reason = models.CharField(
        _("reason for the history"),
        max_length=200,
        blank=True,
        help_text=_("What the edit history records once it is approved, if not the default."),
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        ordering = ["-created_at", "-pk"]
        # Made and decided in the content admin, never edited as such: only viewing,
        # which the admin grants to Publishers (``portal.publish_content``).
        default_permissions = ()
        indexes = [models.Index(fields=["content_type", "object_id", "state"])]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self):
        return gettext("Change to “%(record)s” proposed by %(author)s") % {
            "record": self.record_label,
            "author": self.author or gettext("someone"),
        }

    @property
    def model(self):
        return self.content_type.model_class()

    @property
    def record_label(self):
        record = self.current_record()
        return str(record) if record is not None else f"#{self.object_id}"

    def current_record(self, lock=False):
        """The record as the database holds it now (None if it was deleted)."""
        model = self.model
        if model is None:
            return None
        rows = model._base_manager.filter(pk=self.object_id)
        if lock:
            rows = rows.select_for_update()
        return rows.first()

    def fields(self):
        """The model fields the revision sets, in the model's order."""
        model = self.model
        return [
            field
            for field in (*model._meta.concrete_fields, *model._meta.many_to_many)
            if field.name in self.values
        ]

    def conflict(self, record=None):
        """Why the revision can no longer be approved as it is, or None."""
        record = record if record is not None else self.current_record()
        if record is None:
            return gettext("The record was deleted after the change was proposed.")
        if version_of(record) != self.base_version:
            return gettext(
                "The record was saved again at %(when)s, after this change was proposed. "
                "Approving it would put back what the proposal's form showed of fields "
                "changed since. Reject it and ask for the change to be proposed again on "
                "the current version."
            ) % {"when": date_format(localtime(record.updated_at), "DATETIME_FORMAT")}
        return None


def version_of(instance):
    return instance.updated_at.isoformat() if getattr(instance, "updated_at", None) else ""


def review_enabled():
    return settings.REVIEW_LIVE_EDITS


def under_review(record):
    """Whether a change to ``record`` by someone who may not publish waits for a
    Publisher: a record that is published (on the site, or scheduled to be)."""
    return (
        review_enabled()
        and record is not None
        and record.pk is not None
        and getattr(record, "status", None) == PublicationStatus.PUBLISHED
    )


def reviewable_fields(model):
    """The fields a revision may carry: every editable column and link, except files,
    which the image pipeline writes and releases at save time (an Editor changes a
    published record's image through a Publisher)."""
    return [
        field
        for field in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if field.editable and not field.auto_created and not isinstance(field, models.FileField)
    ]


def stored_value(field, obj):
    """``field``'s value on ``obj`` as text, as Django's serialisers write it (and read it
    back with ``field.to_python``); None stays None."""
    value = field.value_from_object(obj)
    return None if value is None else field.value_to_string(obj)


EMPTY = (None, "")


def propose(form, author, base_version):
    """Keep the changes of a valid admin form for ``form.instance`` (which the form has
    changed in memory only) as a pending revision; returns it, or None when no field
    changed. The author's earlier pending proposal for the record is replaced.

    A change is what differs from the record as stored, rather than the form's
    ``changed_data``, which counts a field with a computed default (a date of today) as
    changed whenever the browser leaves out its hidden initial value."""
    record = form.instance
    stored = type(record)._base_manager.get(pk=record.pk)
    values = {}
    for field in reviewable_fields(type(record)):
        if field.name not in form.fields:
            continue
        if field.many_to_many:
            proposed = sorted(item.pk for item in form.cleaned_data.get(field.name) or ())
            current = sorted(getattr(stored, field.name).values_list("pk", flat=True))
        else:
            proposed, current = stored_value(field, record), stored_value(field, stored)
        # An empty form field over a column holding NULL (an untranslated text) is no
        # change, as the form's own check sees it.
        if proposed != current and not (proposed in EMPTY and current in EMPTY):
            values[field.name] = proposed
    if not values:
        return None
    earlier = Revision.objects.of(record).pending().filter(author=author)
    earlier.update(state=RevisionState.SUPERSEDED, reviewed_at=timezone.now())
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
        object_id=record.pk,
        values=values,
        author=author,
        base_version=base_version,
    )


class ReviewRefused(Exception):
    """The revision cannot be decided as asked; the message says why."""


def _locked_pending(revision):
    """The revision, locked, if it is still pending."""
    locked = Revision.objects.select_for_update().filter(pk=revision.pk).first()
    if locked is None or locked.state != RevisionState.PENDING:
        raise ReviewRefused(gettext("This proposed change has already been decided."))
    return locked


def approve(revision, reviewer):
    """Apply ``revision`` to its record through the record's ``save()``, in one
    transaction with the check that the record is still the version the change was
    made from. Raises ``ReviewRefused`` (and writes nothing) otherwise. Returns the
    record."""
    model = revision.model
    with transaction.atomic(using=router.db_for_write(model)):
        revision = _locked_pending(revision)
        record = revision.current_record(lock=True)
        problem = revision.conflict(record)
        if problem:
            raise ReviewRefused(problem)
        links = {}
        fields = revision.fields()
        for field in fields:
            raw = revision.values[field.name]
            if field.many_to_many:
                links[field.name] = raw
            else:
                setattr(record, field.attname, None if raw is None else field.to_python(raw))
        try:
            record.full_clean(
                exclude=[
                    f.name for f in record._meta.concrete_fields if f.name not in revision.values
                ]
            )
        except ValidationError as error:
            raise ReviewRefused(" ".join(error.messages)) from error
        record._history_user = reviewer
        record._change_reason = revision.reason or gettext(
            "Change proposed by %(author)s, approved"
        ) % {"author": revision.author or gettext("someone")}
        record.save()
        for name, ids in links.items():
            getattr(record, name).set(ids)
        revision.state = RevisionState.APPROVED
        revision.reviewer = reviewer
        revision.reviewed_at = timezone.now()
        revision.save(update_fields=["state", "reviewer", "reviewed_at"])
    return record


def reject(revision, reviewer, note=""):
    """Decide ``revision`` against: the record stays as it is; ``note`` says why."""
    with transaction.atomic(using=router.db_for_write(Revision)):
        revision = _locked_pending(revision)
        revision.state = RevisionState.REJECTED
        revision.reviewer = reviewer
        revision.reviewed_at = timezone.now()
        revision.note = note
        revision.save(update_fields=["state", "reviewer", "reviewed_at", "note"])
    return revision


def _shown(field, value):
    """A stored value as a person reads it."""
    if field.many_to_many:
        names = [str(item) for item in field.related_model._base_manager.filter(pk__in=value)]
        return ", ".join(sorted(names))
    if value is None or value == "":
        return ""
    if field.is_relation:
        target = field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"#{value}"
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(value)


def differences(revision, record=None):
    """Field by field: the label, the current value and the proposed one, as text.
    Translated fields come as their Korean and English columns, each its own row."""
    record = record if record is not None else revision.current_record()
    rows = []
    for field in revision.fields():
        raw = revision.values[field.name]
        if field.many_to_many:
            current = (
                list(getattr(record, field.name).values_list("pk", flat=True)) if record else []
            )
            proposed = raw
        else:
            current = field.value_from_object(record) if record else None
            proposed = None if raw is None else field.to_python(raw)
        rows.append(
            {
                "field": field.verbose_name,
                "name": field.name,
                "current": _shown(field, current),
                "proposed": _shown(field, proposed),
            }
        )
    return rows


def pending_review():
    """For the staff dashboard: how many proposed changes wait, and the list of them."""
    count = Revision.objects.pending().count()
    url = reverse("admin:portal_revision_changelist") + f"?state={RevisionState.PENDING}"
    return {"count": count, "url": url}
