"""The image pipeline: validate uploads, strip metadata, make fixed renditions.

Only real JPEG, PNG and WebP files within a byte and pixel limit are accepted. An
accepted image is re-encoded (orientation applied, EXIF and other metadata gone) before
it is stored, and WebP renditions of fixed widths are written beside it, all through
Django's storage API so that object storage works the same as the local disk.
"""

import io
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# Pillow is imported by the functions that check or resize an upload, not here: public
# pages only name images, and a worker that serves them never loads it (about 2 MB).
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


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
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _("The image has too many pixels to be processed safely."), code="too_many_pixels"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not a valid JPEG, PNG or WebP image, or it is damaged."),
            code="invalid",
        ) from error
    finally:
        file.seek(0)
    return image


def validate_image_file(value):
    """Model-field validator: runs in every ModelForm (admin included) and full_clean."""
    if isinstance(value, FieldFile):
        if value._committed:
            return  # Already stored: it was checked when it came in.
        value = value.file
    _open_checked(value)


def sanitised_image(file):
    """Return the bytes of ``file`` re-encoded in its own format, upright, without
    EXIF, XMP or text chunks, and the extension that goes with them."""
    from PIL import ImageOps

    image = _open_checked(file)
    source_format = image.format
    image = ImageOps.exif_transpose(image)
    if source_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saving without exif=/pnginfo= writes no metadata: exif_transpose alone would keep it.
    save_options = {
        "JPEG": {"quality": 85, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 85},
    }[source_format]
    icc = image.info.get("icc_profile")
    if icc:
        save_options["icc_profile"] = icc
    image.save(out, format=source_format, **save_options)
    return out.getvalue(), ALLOWED_FORMATS[source_format], image.size


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


class SafeImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        data, extension, _size = sanitised_image(content)
        name = f"{uuid.uuid4().hex}.{extension}"
        super().save(name, ContentFile(data), save=save)
        self._write_renditions(data)

    def _write_renditions(self, data):
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            for width in rendition_widths(image.width):
                height = max(1, round(image.height * width / image.width))
                out = io.BytesIO()
                image.resize((width, height), Image.Resampling.LANCZOS).save(
                    out, format="WEBP", quality=80
                )
                self.storage.save(rendition_name(self.name, width), ContentFile(out.getvalue()))

    def delete(self, save=True):
        if self.name:
            for width in rendition_widths(self.width if self._committed else 0):
                self.storage.delete(rendition_name(self.name, width))
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


class SafeImageField(models.ImageField):
    """An ImageField that accepts only safe images and stores them sanitised, with
    renditions. Use through ``Illustrated``; its width field feeds the srcset."""

    attr_class = SafeImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", upload_to)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_image_file)

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")
        return field


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

    def clean(self):
        super().clean()
        if self.image and not (self.image_alt or "").strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for people who cannot see it.")}
            )


def responsive_image(image, alt, width, height, sizes="100vw", css_class=""):
    """An ``<img>`` with a srcset of the stored renditions; alt text is required."""
    if not image:
        return ""
    widths = rendition_widths(width)
    largest = rendition_name(image.name, widths[-1]) if widths else image.name
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}" '
        'loading="lazy" decoding="async" class="{}">',
        image.storage.url(largest),
        image.srcset(width),
        sizes,
        alt,
        width or "",
        height or "",
        css_class,
    )
