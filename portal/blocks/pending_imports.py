"""Spreadsheets waiting between their preview and their confirmation.

An import in the admin takes two requests: the upload shows a preview, and a later
request confirms it. The file is kept in the database in between, so the confirming
request may land on any app server, under a random name the server chose (the
confirmation form carries it signed, ``portal.blocks.spreadsheet_admin``). It is
deleted when the import is confirmed; one never confirmed is deleted once it is older
than ``IMPORT_PENDING_HOURS``, by the next upload or confirmation of any staff member.

Light on purpose (Django only): ``portal.models`` imports it so that the model is
registered, and public workers load ``portal.models`` without the spreadsheet
libraries.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def pending_lifetime():
    return datetime.timedelta(hours=settings.IMPORT_PENDING_HOURS)


class PendingImportQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created_at__lt=timezone.now() - pending_lifetime())


class PendingImport(models.Model):
    name = models.CharField(_("name"), max_length=64, primary_key=True, editable=False)
    data = models.BinaryField(_("file"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        ordering = ["created_at"]
        # Not content: nobody edits it, so no permission (nor role) refers to it.
        default_permissions = ()
        verbose_name = _("spreadsheet awaiting confirmation")
        verbose_name_plural = _("spreadsheets awaiting confirmation")

    def __str__(self):
        return self.name


class DatabaseStorage:
    """django-import-export's temporary storage (``name``, ``save``, ``read``,
    ``remove``; ``IMPORT_EXPORT_TMP_STORAGE_CLASS``) kept in ``PendingImport``.

    ``read`` raises FileNotFoundError for a name that is not (or no longer) stored, as
    the library's file storages do; ``remove`` says whether this call removed it, so
    that of two confirmations of one preview only one goes ahead."""

    def __init__(self, name=None, read_mode="rb", encoding=None, **kwargs):
        self.name = name
        self.read_mode = read_mode
        self.encoding = encoding

    def save(self, data):
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        PendingImport.objects.expired().delete()
        self.name = secrets.token_hex(16)
        PendingImport.objects.create(name=self.name, data=data)

    def read(self):
        stored = PendingImport.objects.filter(name=self.name).values_list("data", flat=True)
        if not stored:
            raise FileNotFoundError(self.name)
        data = bytes(stored[0])  # PostgreSQL returns a memoryview
        if "b" in self.read_mode:
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self):
        PendingImport.objects.expired().delete()
        deleted, _by_model = PendingImport.objects.filter(name=self.name).delete()
        return deleted > 0
