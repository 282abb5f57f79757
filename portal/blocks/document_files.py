"""Document files (PDF and office documents): recognised by their content, never by
their name or by what the browser claims, stored under a random name through Django's
storage API, and served with a content type the site chose.

Accepted (``DocumentFormat``): PDF; Word, Excel and PowerPoint documents in their
OOXML form (.docx, .xlsx, .pptx, without macros); Hangul documents in their open form
(.hwpx, OWPML). Refused: the older binary formats (.hwp, .doc, .xls, .ppt, OLE compound
files, which can carry macros and which the site cannot check without a parser of its
own), macro-enabled OOXML, and anything else. The reasons are in docs/decisions.md.

OOXML and HWPX are zip packages: a package is refused before anything in it is
decompressed when it names more members, or more uncompressed bytes, than a document
can reasonably hold (a zip bomb), or a member whose name would escape the folder it is
extracted to. Only the small member that says what the package is (``[Content_Types].xml``
or ``mimetype``) is read, within a bound.
"""

import re
import uuid
import zipfile
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word document (.docx)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")
    PPTX = "pptx", _("PowerPoint presentation (.pptx)")
    HWPX = "hwpx", _("Hangul document (.hwpx)")


# The content type each format is served with: chosen here from the checked format.
CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    DocumentFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentFormat.PPTX: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    DocumentFormat.HWPX: "application/hwp+zip",
}

# The content type of an OOXML package's main part, for each format it may be.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        DocumentFormat.DOCX
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        DocumentFormat.XLSX
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        DocumentFormat.PPTX
    ),
}
# Macro-enabled packages (.docm, .xlsm, .pptm) and any package holding a VBA project.
MACRO_MARKS = ("macroenabled", "vbaproject")

# What a document package may hold. A 300-page report with its images is a few
# hundred members and well under these.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_UNCOMPRESSED = 500 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed, for one member larger than a megabyte
MANIFEST_MAX_BYTES = 1024 * 1024

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
PDF_TAIL_BYTES = 2048
CHUNK = 1024 * 1024


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def _size_of(file):
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    return size


def _check_pdf(file, size):
    """A PDF starts with its header and ends with ``%%EOF`` after a ``startxref``."""
    file.seek(max(0, size - PDF_TAIL_BYTES))
    tail = file.read(PDF_TAIL_BYTES)
    if b"%%EOF" not in tail or b"startxref" not in tail:
        _refuse(
            _(
                "This PDF is incomplete or damaged (its end is missing). Save or export "
                "it again and upload the new file."
            ),
            "damaged",
        )
    return DocumentFormat.PDF


def _safe_member_name(name):
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and ":" not in name


def _read_member(archive, info):
    if info.file_size > MANIFEST_MAX_BYTES:
        _refuse(_("The document's package is not valid."), "not_a_document")
    with archive.open(info) as member:
        return member.read(MANIFEST_MAX_BYTES + 1)[:MANIFEST_MAX_BYTES]


def _check_package(file):
    """An OOXML document (Word, Excel, PowerPoint) or a HWPX document, from its
    members' list and the one member that says what it is."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ValidationError(
            _("This file is damaged or is not a document the site accepts."),
            code="not_a_document",
        ) from error
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            _refuse(
                _("The document holds too many parts (%(count)s) to be accepted safely."),
                "zip_bomb",
                count=len(members),
            )
        total = 0
        for info in members:
            total += info.file_size
            if not _safe_member_name(info.filename):
                _refuse(_("The document's package is not valid."), "not_a_document")
            if info.file_size > CHUNK and info.file_size > ZIP_MAX_RATIO * max(
                info.compress_size, 1
            ):
                _refuse(
                    _("The document is compressed suspiciously much; it is refused."),
                    "zip_bomb",
                )
        if total > ZIP_MAX_UNCOMPRESSED:
            _refuse(
                _("The document would take %(size)s MB once opened: too large to accept."),
                "zip_bomb",
                size=f"{total / 1_048_576:.0f}",
            )
        names = {info.filename: info for info in members}
        lowered = " ".join(names).lower()
        if "mimetype" in names:
            try:
                kind = _read_member(archive, names["mimetype"]).strip()
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
                raise ValidationError(
                    _("The document's package is not valid."), code="not_a_document"
                ) from error
            if kind == b"application/hwp+zip" and any(n.startswith("Contents/") for n in names):
                return DocumentFormat.HWPX
        if "[Content_Types].xml" not in names:
            _refuse(
                _("This file is damaged or is not a document the site accepts."),
                "not_a_document",
            )
        try:
            manifest = _read_member(archive, names["[Content_Types].xml"])
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
            raise ValidationError(
                _("The document's package is not valid."), code="not_a_document"
            ) from error
    return _ooxml_format(manifest, names, lowered)


def _ooxml_format(manifest, names, lowered):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(manifest)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise ValidationError(
            _("The document's package is not valid."), code="not_a_document"
        ) from error
    found = None
    for element in root:
        content_type = (element.get("ContentType") or "").lower()
        if any(mark in content_type for mark in MACRO_MARKS):
            found = "macros"
            break
        part = (element.get("PartName") or "").lstrip("/")
        fmt = OOXML_MAIN_PARTS.get(content_type)
        if fmt and part in names:
            found = fmt
    if found == "macros" or "vbaproject" in lowered:
        _refuse(
            _(
                "The document contains macros, which the site does not publish. Save it "
                "without macros (.docx, .xlsx or .pptx) or as a PDF."
            ),
            "macros",
        )
    if found is None:
        _refuse(
            _("This file is damaged or is not a document the site accepts."),
            "not_a_document",
        )
    return found


def inspect_document(file):
    """The ``DocumentFormat`` of ``file`` (an uploaded or stored file), read from its
    content; ValidationError with a message for staff if it is not one the site accepts
    or exceeds the size limit."""
    size = _size_of(file)
    if size == 0:
        _refuse(_("The file is empty."), "empty")
    if size > settings.DOCUMENT_MAX_BYTES:
        _refuse(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB."),
            "too_large",
            size=f"{size / 1_048_576:.1f}",
            limit=f"{settings.DOCUMENT_MAX_BYTES / 1_048_576:.0f}",
        )
    file.seek(0)
    try:
        head = file.read(8)
        if PDF_HEADER.match(head):
            return _check_pdf(file, size)
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            return _check_package(file)
        if head.startswith(OLE_SIGNATURE):
            _refuse(
                _(
                    "This is an older binary office file (.hwp, .doc, .xls or .ppt), which "
                    "the site does not accept. Save it as PDF, or as .hwpx, .docx, .xlsx "
                    "or .pptx, and upload that."
                ),
                "legacy_format",
            )
        _refuse(
            _(
                "This file is not a document the site accepts, whatever its name says. "
                "Upload a PDF, or a .hwpx, .docx, .xlsx or .pptx document."
            ),
            "not_a_document",
        )
    finally:
        file.seek(0)


def validate_document_file(value):
    """Model-field validator: runs in every ModelForm (admin included) and full_clean."""
    if isinstance(value, FieldFile):
        if value._committed:
            return  # Already stored: it was checked when it came in.
        value = value.file
    if getattr(value, "document_format", None):
        return  # Checked by the form field a moment ago.
    value.document_format = inspect_document(value)


def document_upload_to(instance, filename):
    # The folder says which kind of record it belongs to; the name is made by the
    # field (random), never the uploader's.
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{filename}"


class DocumentFieldFile(FieldFile):
    def save(self, name, content, save=True):
        fmt = getattr(content, "document_format", None) or inspect_document(content)
        setattr(self.instance, self.field.format_field, fmt)
        setattr(self.instance, self.field.size_field, _size_of(content))
        content.seek(0)
        super().save(f"{uuid.uuid4().hex}.{fmt}", File(content), save=save)


class DocumentFormField(forms.FileField):
    default_validators = []  # the extension says nothing: the content is checked

    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            file.document_format = inspect_document(file)
        return file


class DocumentFileField(models.FileField):
    """A FileField that accepts only documents ``inspect_document`` recognises, stores
    them under a random name and records their format and size in the model's
    ``format_field`` and ``size_field`` (so that serving one never opens it to decide
    how)."""

    attr_class = DocumentFieldFile

    def __init__(self, *args, format_field="file_format", size_field="file_size", **kwargs):
        self.format_field = format_field
        self.size_field = size_field
        kwargs.setdefault("upload_to", document_upload_to)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_document_file)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("upload_to") is document_upload_to:
            del kwargs["upload_to"]
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        field = super().formfield(**{"form_class": DocumentFormField, **kwargs})
        field.widget.attrs.setdefault(
            "accept", ".pdf,.hwpx,.docx,.xlsx,.pptx," + ",".join(CONTENT_TYPES.values())
        )
        return field


# Characters no file name should carry (paths, quotes, controls).
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(title, fmt):
    """A file name for ``title`` with the extension of its format: the visitor's
    language's letters kept (Hangul included), path separators and controls removed."""
    stem = " ".join(UNSAFE_NAME.sub(" ", title or "").split())[:120].strip(" .") or "document"
    return f"{stem}.{DocumentFormat(fmt).value}"


def document_response(file, fmt, title):
    """Stream a stored document: its content type from its checked format, a PDF shown
    in the browser and any other format downloaded, with a file name in UTF-8 (RFC 6266
    ``filename*``) and ``nosniff``."""
    fmt = DocumentFormat(fmt)
    response = FileResponse(
        file.open("rb"),
        as_attachment=fmt != DocumentFormat.PDF,
        filename=download_name(title, fmt),
        content_type=CONTENT_TYPES[fmt],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
