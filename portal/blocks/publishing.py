"""The publication workflow every content model shares.

A record is public when its status is *published* and its publication time has come.
``.published()`` is the one place that rule is written; public views never filter on
``status`` themselves. Staff may open unpublished records on their public URL to preview
them (``PublishedDetailMixin``); everybody else gets a 404.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.blocks.fields import ChoiceLabels


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED, publish_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=PublicationStatus.DRAFT)

    def scheduled(self):
        return self.filter(status=PublicationStatus.PUBLISHED, publish_at__gt=timezone.now())

    def previewable_by(self, user):
        """What ``user`` may open on the public site: staff preview everything."""
        if sees_previews(user):
            return self
        return self.published()


def if_public(record):
    """``record`` if the public may see it, else None: for what a published record points
    at (its city, venue, series, parent event), which stays unnamed on public pages and
    in feeds while it is a draft or scheduled. No query where the record is loaded with
    its status (``select_related``)."""
    return record if record is not None and record.is_live else None


def sees_previews(user):
    """Staff open drafts and scheduled records on their public URL."""
    return user.is_active and user.is_staff


# Every content model shows some of its choices (a kind, a status) on public pages.
class Publishable(ChoiceLabels, models.Model):
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text=_("Drafts are visible only to staff. Published records appear on the site."),
    )
    publish_at = models.DateTimeField(
        _("publish from"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to publish at once. A future time keeps a published record "
            "hidden until then; nothing has to run for it to appear."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == PublicationStatus.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "publish_at"}
        super().save(*args, **kwargs)

    @property
    def is_live(self):
        return (
            self.status == PublicationStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == PublicationStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )


# Set on an instance by ContentHistory: the record its last save() wrote, and the links
# it had just before a delete.
PENDING_RECORD = "_history_pending_record"
LINKS_AT_DELETE = "_history_links_at_delete"


class ContentHistory(HistoricalRecords):
    """simple-history's records, with many-to-many fields kept as part of each version.

    simple-history writes a separate "changed" record for every ``add``/``remove``/
    ``clear`` of a tracked many-to-many field. The admin (and an import, and a copy)
    saves the record first and sets its links right after, so one edit would show as
    two or three versions, and the version written by the save would carry the old
    links. Here a link change that follows a save of the same object in memory updates
    the links of the record that save wrote; only a link change on its own (for example
    ``news.cities.add(city)`` on a freshly loaded object) is a version of its own.

    Django deletes the link rows before ``post_delete``, so a "deleted" record would
    have no links and restoring it would drop them; they are read in ``pre_delete``.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        links = instance.__dict__.pop(LINKS_AT_DELETE, None)
        if history_instance.history_type == "-" and links is not None:
            for field in history_instance._history_m2m_fields:
                history_model = self.m2m_models[field]
                names = [f.attname for f in field.remote_field.through._meta.fields]
                history_model.objects.bulk_create(
                    [
                        history_model(
                            history=history_instance, **{name: getattr(row, name) for name in names}
                        )
                        for row in links[field.name]
                    ]
                )
        else:
            super().create_historical_record_m2ms(history_instance, instance)
        instance.__dict__[PENDING_RECORD] = history_instance

    def pre_delete(self, instance, **kwargs):
        super().pre_delete(instance, **kwargs)
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        instance.__dict__[LINKS_AT_DELETE] = {
            field.name: list(
                field.remote_field.through.objects.filter(**{field.m2m_field_name(): instance})
            )
            for field in self.get_m2m_fields_from_model(type(instance))
        }

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or hasattr(
            instance, "skip_history_when_saving"
        ):
            return
        if reverse:
            # Changed from the other side (``city.news.add(item)``): the versions
            # belong to the news items, not to the city simple-history would use.
            self._reverse_m2m_changed(instance, action, attr, pk_set, kwargs["model"])
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if pk_set is not None and not pk_set:
            return  # add() of links that were already there: nothing changed
        record = instance.__dict__.get(PENDING_RECORD)
        if record is None:
            self.create_historical_record(instance, "~")
            return
        for field in record._history_m2m_fields:
            self.m2m_models[field].objects.filter(history=record).delete()
        super().create_historical_record_m2ms(record, instance)

    def _reverse_m2m_changed(self, instance, action, attr, pk_set, model):
        key = f"_history_clearing_{attr}"
        if action == "pre_clear":
            field = model._meta.get_field(attr)
            through = field.remote_field.through
            instance.__dict__[key] = set(
                through.objects.filter(**{field.m2m_reverse_field_name(): instance}).values_list(
                    f"{field.m2m_field_name()}_id", flat=True
                )
            )
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop(key, set())
        elif action not in ("post_add", "post_remove"):
            return
        for obj in model._default_manager.filter(pk__in=pk_set or ()):
            self.create_historical_record(obj, "~")


class PublishedDetailMixin:
    """For detail views of publishable content: the public sees published records only,
    staff also see drafts and scheduled records, marked as a preview."""

    def get_queryset(self):
        return super().get_queryset().previewable_by(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_live
        return context


def backfill_link_history(app_label, model_name):
    """A data-migration step for a model whose many-to-many fields join its history.

    Versions written before had no links. Reverting to one would then remove every link,
    so each version of a record that still exists gets the links the record has now: a
    revert to a version from before leaves the links as they are, as it did before.
    """

    def backfill(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(app_label, f"Historical{model_name}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            link_history = apps.get_model(app_label, f"Historical{through._meta.object_name}")
            source = field.m2m_field_name()
            links = {}
            for row in through.objects.all().iterator():
                values = {f.attname: getattr(row, f.attname) for f in through._meta.fields}
                links.setdefault(values[f"{source}_id"], []).append(values)
            records = history.objects.filter(id__in=list(links)).exclude(
                history_id__in=link_history.objects.values("history_id")
            )
            link_history.objects.bulk_create(
                (
                    link_history(history_id=record.history_id, **values)
                    for record in records.only("history_id", "id").iterator()
                    for values in links[record.id]
                ),
                batch_size=500,
            )

    return backfill
