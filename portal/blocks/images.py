"""The image pipeline: validate uploads, strip metadata, make fixed renditions, and
remove stored files once nothing refers to them.

Only real JPEG (a phone's multi-picture JPEG included), PNG and WebP files within a byte
and pixel limit are accepted. An accepted image is re-encoded (turned upright, EXIF, XMP
and comments gone) before it is stored, and WebP renditions of fixed widths are written
beside it, all or nothing, through Django's storage API so that object storage works the
same as the local disk. Its width and height are stored with the record, so that
showing it never opens the file.

A stored image (and its renditions) is deleted once its record no longer uses it, its
deletion has committed, and no version in the record's edit history names it: a
version restored from the history gets its picture back. Trimming the history (for
example with simple-history's ``clean_old_history``) is what finally lets such files go.
"""

import io
import logging
import uuid
from functools import partial
from pathlib import PurePosixPath

from django import forms
from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.db.models.signals import class_prepared, post_delete, post_init, post_save, pre_save
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as translation_settings
from modeltranslation.utils import build_localized_fieldname
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

logger = logging.getLogger(__name__)

# Pillow is imported by the functions that check or resize an upload, not here: public
# pages only name images, and a worker that serves them never loads it (about 2 MB).

# What each accepted format is stored as, and with which extension. A multi-picture
# JPEG (MPO: a phone's photo followed by a depth map or a second view) is a JPEG whose
# first picture is the photo; it is stored as that JPEG alone.
ALLOWED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
STORED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
# The most pixels a WebP image may have on either side (renditions are WebP).
WEBP_MAX_SIDE = 16383
# Of the metadata Pillow reads into ``Image.info``, the only entries a re-encoded file
# keeps: the colour profile and a PNG's transparent colour. Anything else left there
# (a JPEG comment, for one) Pillow would write into the new file.
KEPT_INFO = ("icc_profile", "transparency")
# Decoding errors of a file Pillow recognised: it is cut short or damaged.
DAMAGED = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


def _upright_size(image):
    """``image``'s width and height once turned as its EXIF orientation says."""
    from PIL import ExifTags

    width, height = image.size
    if image.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8):  # a quarter turn
        return height, width
    return width, height


def _open_checked(file):
    """Open ``file`` as an image and prove it is one we accept, or raise ValidationError."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB."),
            code="too_large",
            params={
                "size": f"{size / 1_048_576:.1f}",
                "limit": f"{settings.IMAGE_MAX_BYTES / 1_048_576:.0f}",
            },
        )
    file.seek(0)
    try:
        # Pillow's own bomb check is a warning up to twice its limit; ours is exact and
        # runs before any pixel is decoded.
        image = Image.open(file)
        if image.format not in ALLOWED_FORMATS:
            raise ValidationError(
                _("Upload a JPEG, PNG or WebP image (this file is %(format)s)."),
                code="format",
                params={"format": image.format or _("unknown")},
            )
        width, height = image.size
        if width * height > settings.IMAGE_MAX_PIXELS:
            raise ValidationError(
                _(
                    "The image is too large (%(width)s × %(height)s pixels). The limit is "
                    "%(limit)s megapixels."
                ),
                code="too_many_pixels",
                params={
                    "width": width,
                    "height": height,
                    "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
                },
            )
        _check_renditions_fit(*_upright_size(image))
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("The image has too many pixels to be processed safely."), code="too_many_pixels"
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            _("This file is not a valid JPEG, PNG or WebP image, or it is damaged."),
            code="not_an_image",
        ) from error
    except DAMAGED as error:
        raise ValidationError(
            _(
                "The image file is damaged or incomplete (perhaps it was not fully "
                "copied or downloaded). Open it on your computer, save it again and "
                "upload the new file."
            ),
            code="damaged",
        ) from error
    finally:
        file.seek(0)
    return image


def _check_renditions_fit(width, height):
    """Refuse an image too tall for its width to have WebP renditions (WebP holds at
    most 16,383 pixels a side): scaling it down to fit would make the renditions
    narrower than the widths the page asks for."""
    widest = max(rendition_widths(width))
    if rendition_height(width, height, widest) > WEBP_MAX_SIDE:
        raise ValidationError(
            _(
                "The image is too tall for its width (%(width)s × %(height)s pixels): "
                "the site cannot make the smaller copies it shows on its pages. Crop it, "
                "or split it into several images, so that it is at most %(limit)s pixels "
                "tall."
            ),
            code="too_tall",
            params={"width": width, "height": height, "limit": WEBP_MAX_SIDE * width // widest},
        )


def validate_image_file(value):
    """Model-field validator: runs in every ModelForm (admin included) and full_clean."""
    if isinstance(value, FieldFile):
        if value._committed:
            return  # Already stored: it was checked when it came in.
        value = value.file
    if getattr(value, "image_checked", False):
        return  # Checked by the form field a moment ago.
    _open_checked(value)


def _prepared(file, renditions=True):
    """``file`` turned upright and re-encoded in its own format without EXIF, XMP,
    comments or text chunks: (its bytes, their extension, its size, and the bytes of
    each rendition by width)."""
    from PIL import ImageOps

    image = _open_checked(file)
    stored_format = STORED_FORMAT[image.format]
    extension = ALLOWED_FORMATS[image.format]
    # A copy, turned; of a multi-picture file, the first picture (the one loaded).
    image = ImageOps.exif_transpose(image)
    if stored_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    out = io.BytesIO()
    # Saving without exif=/xmp=/pnginfo= writes no metadata: exif_transpose alone
    # would keep it.
    save_options = {
        "JPEG": {"quality": 85, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 85},
    }[stored_format]
    icc = image.info.get("icc_profile")
    if icc:
        save_options["icc_profile"] = icc
    image.save(out, format=stored_format, **save_options)
    made = _renditions(image) if renditions else []
    return out.getvalue(), extension, image.size, made


def sanitised_image(file):
    """Return the bytes of ``file`` re-encoded in its own format, upright, without
    EXIF, XMP or text chunks, the extension that goes with them, and its size."""
    data, extension, size, _renditions = _prepared(file, renditions=False)
    return data, extension, size


def _renditions(image):
    """The WebP renditions of ``image`` (upright, already checked to fit), as
    (width, bytes), made in memory so that nothing is stored unless all are made."""
    from PIL import Image

    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    icc = image.info.get("icc_profile") or ""  # the colours of a phone's wide-gamut photo
    made = []
    for width in rendition_widths(image.width):
        size = (width, rendition_height(image.width, image.height, width))
        out = io.BytesIO()
        image.resize(size, Image.Resampling.LANCZOS).save(
            out, format="WEBP", quality=80, icc_profile=icc
        )
        made.append((width, out.getvalue()))
    return made


def rendition_name(name, width):
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def rendition_widths(original_width):
    """The fixed widths made for an image: those smaller than it, or its own width for
    a small image, so nothing is ever scaled up."""
    if not original_width:
        return []
    widths = [w for w in settings.IMAGE_RENDITION_WIDTHS if w < original_width]
    if len(widths) < len(settings.IMAGE_RENDITION_WIDTHS):
        widths.append(min(original_width, max(settings.IMAGE_RENDITION_WIDTHS)))
    return widths


def rendition_height(width, height, rendition_width):
    return max(1, round(height * rendition_width / width))


def _stored_size(storage, name):
    """The size of the stored image ``name`` (read from its header), or None if it is
    missing or unreadable."""
    from PIL import Image

    try:
        with storage.open(name) as file, Image.open(file) as image:
            return image.size
    except Exception:  # any storage or image error: the size is unknown
        return None


def _stored_names(storage, name, width):
    """The stored image ``name`` and the renditions it may have (those of every
    configured width, and of its own width when it is smaller)."""
    if not width:  # stored before dimensions were: read it, if it is still there
        width = (_stored_size(storage, name) or (None,))[0]
    widths = sorted({*settings.IMAGE_RENDITION_WIDTHS, *rendition_widths(width)})
    return [name, *(rendition_name(name, each) for each in widths)]


def _delete_quietly(storage, names):
    """Delete ``names`` from ``storage``; a storage that fails leaves a file behind (and
    a log entry), never a failed request."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete %s from the media storage", name)


class SafeImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        data, extension, _size, renditions = _prepared(content)
        name = f"{uuid.uuid4().hex}.{extension}"
        written = []
        try:
            # Named, so that Django measures the stored image (upright) for the
            # record's width and height fields.
            super().save(name, ContentFile(data, name=name), save=False)
            written.append(self.name)
            for width, rendition in renditions:
                written.append(
                    self.storage.save(rendition_name(self.name, width), ContentFile(rendition))
                )
            if save:
                self.instance.save()
        except BaseException:
            # All or nothing: a failed rendition, storage or save leaves no file behind.
            _delete_quietly(self.storage, written)
            raise

    def delete(self, save=True):
        if self.name:
            width = getattr(self.instance, self.field.width_field or "", None)
            for each in _stored_names(self.storage, self.name, width)[1:]:
                self.storage.delete(each)
        super().delete(save=save)

    def srcset(self, original_width):
        return ", ".join(
            f"{self.storage.url(rendition_name(self.name, w))} {w}w"
            for w in rendition_widths(original_width)
        )


def upload_to(instance, filename):
    # The stored name is random (the original file name may be private); the folder
    # says which kind of record it belongs to.
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{filename}"


class SafeImageFormField(forms.ImageField):
    """The form field: an upload is checked by the pipeline's rules, with its messages.
    Django's own check would call a damaged file "not an image", and its messages would
    replace the pipeline's (a ModelForm shows the form field's message for an error
    code both have)."""

    default_validators = []  # the extension says nothing: the content is checked

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is not None:
            _open_checked(file)
            file.image_checked = True
        return file


class SafeImageField(models.ImageField):
    """An ImageField that accepts only safe images and stores them sanitised, with
    renditions, and deletes them when nothing refers to them any more. Use through
    ``Illustrated``; its width field feeds the srcset.

    Width and height are measured when an image is stored, never when a record is
    loaded (Django would open the file of every record whose dimensions are empty).
    A stored file assigned by code keeps the dimensions already on the record unless
    they are empty: assign its width and height with it."""

    attr_class = SafeImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", upload_to)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_image_file)

    def formfield(self, **kwargs):
        field = super().formfield(**{"form_class": SafeImageFormField, **kwargs})
        field.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")
        return field

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if cls._meta.abstract:
            return
        post_init.disconnect(self.update_dimension_fields, sender=cls)
        # Migrations' frozen models have no history to consult: they delete nothing.
        if cls._meta.apps is global_apps:
            pre_save.connect(self._before_save, sender=cls)
            post_save.connect(self._after_save, sender=cls)
            post_delete.connect(self._after_delete, sender=cls)

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        if not force or self.attname not in instance.__dict__:
            return
        file = getattr(instance, self.attname)
        if file and file._committed and self._dimensions(instance) is not None:
            return  # measured when it was stored
        try:
            super().update_dimension_fields(instance, force=True)
        except Exception:  # a missing or unreadable stored file
            logger.warning("Could not measure the image %s", file.name, exc_info=True)

    def _dimensions(self, instance):
        width = getattr(instance, self.width_field, None) if self.width_field else None
        height = getattr(instance, self.height_field, None) if self.height_field else None
        return (width, height) if width and height else None

    def _stored(self, instance):
        """(name, width) of the stored image ``instance`` names, or None."""
        name = getattr(instance, self.attname)
        name = getattr(name, "name", name)
        if not name:
            return None
        return name, (self._dimensions(instance) or (None,))[0]

    def _before_save(self, sender, instance, raw=False, update_fields=None, using=None, **kwargs):
        if raw or instance.pk is None or instance._state.adding:
            return
        if update_fields is not None and self.name not in update_fields:
            return
        columns = [self.attname, *filter(None, [self.width_field])]
        row = sender._base_manager.using(using).filter(pk=instance.pk).values(*columns).first()
        if row and row[self.attname]:
            instance.__dict__[f"_{self.attname}_before"] = (
                row[self.attname],
                row.get(self.width_field),
            )

    def _after_save(self, sender, instance, raw=False, using=None, **kwargs):
        before = instance.__dict__.pop(f"_{self.attname}_before", None)
        now = self._stored(instance)
        if before and (now is None or now[0] != before[0]):
            self.release_on_commit(sender, [before], using)

    def _after_delete(self, sender, instance, using=None, **kwargs):
        if self.attname in instance.__dict__:
            self.release_on_commit(sender, [self._stored(instance)], using)

    def release_on_commit(self, model, files, using=None):
        """Once the transaction commits (never if it rolls back), delete each of
        ``files`` ((name, width) pairs) and its renditions, unless a record of
        ``model`` or a version in its history still names it then.

        The files are gathered on the connection and checked together when it commits:
        trimming the history deletes thousands of versions naming a few images."""
        files = [each for each in files if each]
        if not files:
            return
        connection = transaction.get_connection(using)
        pending = connection.__dict__.setdefault(PENDING_RELEASE, {}).setdefault((model, self), {})
        for name, width in files:
            pending[name] = pending.get(name) or width
        transaction.on_commit(
            partial(_release_pending, connection), using=connection.alias, robust=True
        )

    def _release(self, model, files, using):
        names = list(files)
        in_use = set()
        for holder in self._holders(model):
            for start in range(0, len(names), 500):
                lookup = {f"{self.name}__in": names[start : start + 500]}
                rows = holder._base_manager.using(using).filter(**lookup)
                in_use.update(rows.values_list(self.name, flat=True).distinct())
        for name in names:
            if name in in_use:
                continue
            _delete_quietly(self.storage, _stored_names(self.storage, name, files[name]))

    def _holders(self, model):
        """``model`` and, if it has one that records this field, its history model."""
        try:
            history = get_history_model_for_model(model)
        except NotHistoricalModelError:
            return [model]
        if any(field.name == self.name for field in history._meta.fields):
            return [model, history]
        return [model]


# The images to delete when a connection's transaction commits, if unused by then.
PENDING_RELEASE = "_images_to_release"


def _release_pending(connection):
    # One callback per release was registered: the first to run takes them all. Names
    # left from a transaction that rolled back are taken with the next commit, which
    # is safe, since each is checked for use first.
    pending = connection.__dict__.pop(PENDING_RELEASE, {})
    for (model, field), files in pending.items():
        field._release(model, files, connection.alias)


def _watch_history(sender, **kwargs):
    """A version of a record with an image that is deleted (its history trimmed) may
    have been the last thing naming an earlier image: connected for each history model
    of a model with a ``SafeImageField`` as simple-history makes it."""
    original = getattr(sender, "instance_type", None)
    if original is None or sender._meta.apps is not global_apps:
        return
    for field in original._meta.fields:
        if isinstance(field, SafeImageField):
            post_delete.connect(partial(_version_deleted, field), sender=sender, weak=False)


def _version_deleted(field, sender, instance, using=None, **kwargs):
    if field.name in instance.__dict__:
        field.release_on_commit(instance.instance_type, [field._stored(instance)], using)


class_prepared.connect(_watch_history)


class Illustrated(models.Model):
    """Abstract: one image with its alt text (translated) and stored dimensions."""

    image = SafeImageField(
        _("image"),
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=_(
            "JPEG, PNG or WebP, up to 10 MB. Location data and other metadata "
            "are removed when it is saved."
        ),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )

    class Meta:
        abstract = True

    def _alt_fields(self):
        """The alt text's columns: one per language (``image_alt_ko``, …), or
        ``image_alt`` itself on a model whose alt text is not translated."""
        names = {field.name for field in self._meta.concrete_fields}
        translated = [
            build_localized_fieldname("image_alt", language)
            for language in translation_settings.AVAILABLE_LANGUAGES
        ]
        return [name for name in translated if name in names] or ["image_alt"]

    def clean_fields(self, exclude=None):
        """An image needs a description, in one language at least. Checked here, where
        it is known which fields a form edits (the others are in ``exclude``), so the
        error is put beside the alt-text fields the form has, or beside the image if it
        has none; a form with neither (a programme item inline) is not held up by it."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        alt_fields = self._alt_fields()
        described = any((getattr(self, name) or "").strip() for name in alt_fields)
        if self.image and "image" not in errors and not described:
            shown = [name for name in alt_fields if name not in exclude]
            if not shown and "image_alt" not in exclude:
                shown = ["image_alt"]
            if not shown and "image" not in exclude:
                shown = ["image"]
            for name in shown:
                errors.setdefault(name, []).append(
                    ValidationError(
                        _("Describe the image for people who cannot see it."),
                        code="alt_text_missing",
                    )
                )
        if errors:
            raise ValidationError(errors)


# How an image is fetched: ``lazy`` below the fold (most images), ``eager`` for a small
# one at the top of every page (a logo), ``high`` for the first large image of a page,
# the one that is likely its Largest Contentful Paint.
IMAGE_PRIORITIES = ("lazy", "eager", "high")

# The columns a list needs to show a record's image (``.only(*IMAGE_FIELDS)``): the
# file's name, its stored size and its alt text in every language.
IMAGE_FIELDS = (
    "image",
    "image_width",
    "image_height",
    *(
        build_localized_fieldname("image_alt", language)
        for language in translation_settings.AVAILABLE_LANGUAGES
    ),
)


def _sources(image, width):
    """The ``src`` (the largest rendition, or the stored file when it has none) and
    the ``srcset`` of ``image``, named from its stored width without opening it."""
    widths = rendition_widths(width)
    largest = rendition_name(image.name, widths[-1]) if widths else image.name
    return image.storage.url(largest), image.srcset(width)


def largest_rendition(image, width, height):
    """(address, width, height) of the largest rendition of ``image`` (the stored file
    when it has none), for what shows one picture at a set size (a link preview's
    ``og:image``); named from the stored size without opening the file."""
    widths = rendition_widths(width)
    if not widths:
        return image.storage.url(image.name), width, height
    largest = widths[-1]
    return (
        image.storage.url(rendition_name(image.name, largest)),
        largest,
        rendition_height(width, height, largest) if height else None,
    )


def responsive_image(image, alt, width, height, sizes="100vw", css_class="", priority="lazy"):
    """An ``<img>`` with a srcset of the stored renditions, its width and height (the
    page keeps its place before it loads) and how urgently it is fetched
    (``IMAGE_PRIORITIES``); alt text is required. Only names are written: a file
    missing from storage is a missing picture, never a failed page."""
    if not image:
        return ""
    if priority not in IMAGE_PRIORITIES:
        raise ValueError(f"priority must be one of {IMAGE_PRIORITIES}, not {priority!r}")
    src, srcset = _sources(image, width)
    attrs = {
        "src": src,
        "srcset": srcset or None,
        "sizes": sizes if srcset else None,
        "alt": alt or "",
        "width": width or None,
        "height": height or None,
        "loading": "lazy" if priority == "lazy" else "eager",
        "decoding": "async" if priority == "lazy" else None,
        "fetchpriority": "high" if priority == "high" else None,
        "class": css_class or None,
    }
    return format_html("<img{}>", flatatt(attrs))


def image_preload(image, width, sizes="100vw"):
    """A ``<link rel="preload">`` for the page's main image (in ``<head>``), so the
    browser fetches the rendition it will choose before it has read the page's body."""
    if not image:
        return ""
    src, srcset = _sources(image, width)
    attrs = {
        "rel": "preload",
        "as": "image",
        "href": src,
        "imagesrcset": srcset or None,
        "imagesizes": sizes if srcset else None,
        "fetchpriority": "high",
    }
    return format_html("<link{}>", flatatt(attrs))


def backfill_dimensions(app_label, model_name):
    """A data-migration step: store the width and height of the images of
    ``app_label.model_name`` (and of its history) that were stored without them.

    Stored images are already upright, so their size as stored is the size shown. A
    file missing from storage leaves its record without dimensions (pages show it
    without a srcset; loading the record never opens the file). Pages that show a
    record given its dimensions are made out of date.
    """

    def backfill(apps, schema_editor):
        from portal.blocks.caching.tags import bump, records_change_tags

        model = apps.get_model(app_label, model_name)
        try:
            history = apps.get_model(app_label, f"Historical{model_name}")
        except LookupError:
            history = None
        storage = model._meta.get_field("image").storage
        tables = [table for table in (model, history) if table is not None]
        names = set()
        for table in tables:
            missing = table._base_manager.filter(image_width__isnull=True).exclude(image="")
            names.update(missing.values_list("image", flat=True).distinct())
        changed = set()
        for name in sorted(names):
            size = _stored_size(storage, name)
            if size is None:
                continue  # missing or unreadable: left without
            width, height = size
            rows = model._base_manager.filter(image=name, image_width__isnull=True)
            changed.update(rows.values_list("pk", flat=True))
            for table in tables:
                table._base_manager.filter(image=name, image_width__isnull=True).update(
                    image_width=width, image_height=height
                )
        if changed:
            # As a save would: the record's tags and those of what it points at (a page
            # may show it by those alone).
            bump(records_change_tags(model, changed, listed=False))

    return backfill
