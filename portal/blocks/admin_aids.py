"""Two aids for staff in the admin, for every content admin (mixins placed before the
admin's base): image thumbnails and slugs that need no typing.

``Thumbnails``: the change list gains a photo column and the change form a preview
beside the image field, both the 400 px WebP rendition (never the original, which may
be megabytes), with its width, height and alt text.

``SlugFromName``: the slug fills in from the English name as it is typed (Django's
prepopulated fields, set by each admin); a record saved with no slug (a Korean-only
name, whose letters a slug cannot hold) gets one from its English name, or else the
kind of record and the date, numbered if taken.
"""

from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.blocks.attention import title_field
from portal.blocks.history import ReadableHistory
from portal.blocks.images import rendition_height, rendition_name, rendition_widths

THUMBNAIL_WIDTH = 80
PREVIEW_WIDTH = 240


def thumbnail(obj, width=THUMBNAIL_WIDTH):
    """An ``<img>`` of ``obj``'s image at ``width`` CSS pixels, from its smallest
    rendition; "—" without an image."""
    image = getattr(obj, "image", None)
    if not image:
        return "—"
    widths = rendition_widths(obj.image_width)
    name = rendition_name(image.name, widths[0]) if widths else image.name
    height = (
        rendition_height(obj.image_width, obj.image_height, width)
        if obj.image_width and obj.image_height
        else None
    )
    return format_html(
        '<img src="{}" alt="{}" width="{}"{} class="admin-thumbnail" loading="lazy">',
        image.storage.url(name),
        getattr(obj, "image_alt", "") or "",
        width,
        format_html(' height="{}"', height) if height else "",
    )


class Thumbnails:
    def _has_image(self):
        return any(field.name == "image" for field in self.model._meta.fields)

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        return thumbnail(obj, PREVIEW_WIDTH) if obj else "—"

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if self._has_image() and "thumbnail" not in shown:
            shown.insert(1, "thumbnail")
        return shown

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._has_image() and obj is not None:
            readonly.append("image_preview")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._has_image() or obj is None or not obj.image:
            return fieldsets
        shown = []
        for title, options in fieldsets:
            fields = list(options.get("fields", ()))
            if "image" in fields and "image_preview" not in fields:
                fields.insert(fields.index("image"), "image_preview")
                options = {**options, "fields": tuple(fields)}
            shown.append((title, options))
        return shown


def unique_slug(model, base, exclude_pk=None):
    """``base``, or ``base-2``, ``base-3``… whichever no other record of ``model`` has."""
    field = model._meta.get_field("slug")
    base = base[: field.max_length - 6].strip("-") or model._meta.model_name
    taken = set(
        model._base_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def slug_for(model, cleaned, exclude_pk=None):
    """A slug for a record saved with none: from its English name, or else the kind of
    record and today's date (a Korean name has no letters a slug can hold)."""
    name = title_field(model)
    base = slugify(cleaned.get(f"{name}_en") or cleaned.get(name) or "")
    if not base:
        base = f"{model._meta.model_name}-{timezone.localdate():%Y%m%d}"
    return unique_slug(model, base, exclude_pk)


class SlugFromName:
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "slug" not in form.base_fields:
            return form
        model = self.model

        class WithSlugFromName(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["slug"].required = False

            def clean(self):
                cleaned = super().clean()
                if not cleaned.get("slug") and "slug" not in self.errors:
                    cleaned["slug"] = slug_for(model, cleaned, self.instance.pk)
                return cleaned

        return WithSlugFromName


class LightChangeList:
    """Change lists read no long text they do not show: sorting thousands of full rows,
    descriptions in two languages included, was most of an event list's time."""

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        shown = set(self.get_list_display(request))
        long_text = [
            field.name
            for field in self.model._meta.fields
            if isinstance(field, models.TextField) and field.name not in shown
        ]
        if not long_text:
            return changelist

        class WithoutLongText(changelist):
            def get_queryset(self, request, exclude_parameters=None):
                rows = super().get_queryset(request, exclude_parameters)
                return rows.defer(*long_text)

        return WithoutLongText


class StaffAids(ReadableHistory, Thumbnails, SlugFromName, LightChangeList):
    """Every aid at once: the readable history (``portal.blocks.history``), thumbnails,
    slugs from the name and change lists without long text."""


class FirstItemsFormSet(BaseInlineFormSet):
    """An inline formset of the first ``limit`` related records only: a biennale with
    two hundred programme items would otherwise render two hundred forms on its page
    (each of its stacked forms, in two languages, weighs about 15 KB).
    The rest are one link away, on the change list filtered to this record."""

    limit = 5

    def get_queryset(self):
        if not getattr(self, "_first_items", False):
            rows = super().get_queryset()
            self.total_count = rows.count() if self.instance.pk else 0
            self._queryset = rows[: self.limit]
            self._first_items = True
        return self._queryset

    @property
    def more_count(self):
        self.get_queryset()
        return max(0, self.total_count - self.limit)

    def see_all_url(self):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return f"{url}?{urlencode({f'{self.fk.name}__id__exact': self.instance.pk})}"


class FirstItemsInline:
    """For inlines that can grow long: the first ``first_items`` records,
    then "N more — see them all" linking to the filtered change list (which
    ``lookup_allowed`` of the related admin must accept: ``FirstItemsLookup``)."""

    formset = FirstItemsFormSet
    first_items = 5

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.limit = self.first_items
        return formset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The inline's own layout (tabular or stacked), with the link after it.
        self.items_template = self.template
        self.template = "admin/edit_inline/first_items.html"


class FirstItemsLookup:
    """For the admin a ``FirstItemsInline`` links to: its change list accepts the filter
    by the parent record (``<fk>__id__exact``)."""

    parent_lookups = ()

    def lookup_allowed(self, lookup, value, request=None):
        if lookup in {f"{name}__id__exact" for name in self.parent_lookups}:
            return True
        return super().lookup_allowed(lookup, value, request)
