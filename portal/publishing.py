"""The publication workflow every content model shares.

A record is public when its status is *published* and its publication time has come.
``.published()`` is the one place that rule is written; public views never filter on
``status`` themselves. Staff may open unpublished records on their public URL to preview
them (``PublishedDetailMixin``); everybody else gets a 404.
"""

import simple_history
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, translator


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
        if user.is_active and user.is_staff:
            return self
        return self.published()


class Publishable(models.Model):
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


def register_content(model, fields):
    """Register ``model``'s person-facing ``fields`` for Korean and English and give the
    model an edit history.

    The order matters: modeltranslation adds ``<field>_ko``/``<field>_en`` when it
    registers, and simple-history copies the fields it sees when it registers, so the
    history must come second and only once (django-simple-history #929).
    """
    options = type(f"{model.__name__}TranslationOptions", (TranslationOptions,), {
        "fields": tuple(fields)
    })
    translator.register(model, options)
    simple_history.register(model, excluded_fields=["updated_at"])


class PublishedDetailMixin:
    """For detail views of publishable content: the public sees published records only,
    staff also see drafts and scheduled records, marked as a preview."""

    def get_queryset(self):
        return super().get_queryset().previewable_by(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_live
        return context
