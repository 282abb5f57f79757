"""Spreadsheet import and export in the admin, as every app offers them
(django-import-export's admin, made to hold on a real deployment).

- The uploaded file waits for its confirmation in the database
  (``portal.blocks.pending_imports``), not in one server's temporary folder. The
  confirmation form carries its name signed together with the account, the format and
  the resource chosen: a name that was not handed out by this site, to this account,
  within ``IMPORT_PENDING_HOURS``, is refused with a message and never read. The file
  is deleted as its import is confirmed, so a second confirmation imports nothing.
- A file over ``IMPORT_MAX_BYTES`` or ``IMPORT_MAX_ROWS`` is refused with a message
  before any row is imported, and an import still running after ``IMPORT_TIME_LIMIT``
  seconds stops and writes nothing, so no import outlives the server's timeout.
- Problems are messages for staff, never tracebacks (those go to the log); a
  confirmation that fails says that nothing was imported and shows why.
- Its pages work under the site's Content-Security-Policy: the templates in
  ``templates/admin/import_export/`` carry no inline script or style.
"""

import logging
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm
from import_export.results import Error, Result

from portal.blocks.pending_imports import pending_lifetime
from portal.blocks.spreadsheets import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    SpreadsheetError,
    import_template,
)

logger = logging.getLogger(__name__)

SIGNING_SALT = "portal.blocks.spreadsheet_admin.pending"


class SpreadsheetImportForm(ImportForm):
    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        if file.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _(
                    "This file is %(size)s; an import takes at most %(limit)s. Split it "
                    "into smaller files and import them one after the other."
                )
                % {
                    "size": filesizeformat(file.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return file


class PendingImportForm(forms.Form):
    """The confirmation of a previewed file: one signed value, which says which stored
    file, whose, in which format and for which resource."""

    import_file_name = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_import_file_name(self):
        max_age = pending_lifetime().total_seconds()
        try:
            pending = signing.loads(
                self.cleaned_data["import_file_name"], salt=SIGNING_SALT, max_age=max_age
            )
        except signing.SignatureExpired:
            raise ValidationError(
                _(
                    "This preview is more than %(hours)s hours old and has expired. Upload "
                    "the file again to import it."
                )
                % {"hours": settings.IMPORT_PENDING_HOURS}
            ) from None
        except signing.BadSignature:
            pending = None
        if not isinstance(pending, dict) or pending.get("user") != self.user.pk:
            raise ValidationError(
                _(
                    "This confirmation does not match a preview made by you on this site, "
                    "so nothing was read or imported. Upload the file again."
                )
            )
        # The library's steps read these as if the form had posted them.
        self.cleaned_data.update(
            format=pending["format"],
            resource=pending["resource"],
            original_file_name=pending["original"],
        )
        return pending["name"]


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export of an admin's records as CSV or XLSX."""

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_form_class = SpreadsheetImportForm
    confirm_form_class = PendingImportForm
    # CSV goes out as UTF-8 with a byte-order mark: without one, Excel on a Korean
    # Windows reads the file as CP949 and shows Hangul as mojibake. (XLSX is binary.)
    to_encoding = "utf-8-sig"

    # --- Template ---------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        template = path(
            "import/template/",
            self.admin_site.admin_view(self.import_template_view),
            name=f"{opts.app_label}_{opts.model_name}_import_template",
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0](
            **self.get_import_resource_kwargs(request)
        )
        response = HttpResponse(
            import_template(resource),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{self.model._meta.model_name}-import-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # --- Preview ----------------------------------------------------------------

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if request.method != "POST" or context is None:
            return response
        if not context.get("confirm_form"):
            self._discard_upload(context.get("form"))
        if context.get("result") is not None:
            context["import_problems"] = self._problems(context["result"])
        return response

    def write_to_tmp_storage(self, import_file, input_format):
        storage = self.get_tmp_storage_class()(
            read_mode=input_format.get_read_mode(), **self.get_tmp_storage_class_kwargs()
        )
        storage.save(b"".join(import_file.chunks()))
        return storage

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            message = str(e)
        else:
            logger.warning("Spreadsheet upload could not be read", exc_info=e)
            message = _(
                "This file could not be read in the format chosen. Check the format, or "
                "save the file again from your spreadsheet program as CSV or Excel "
                "Workbook (.xlsx)."
            )
        form.add_error("import_file", message)

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "user": request.user}

    def get_confirm_form_initial(self, request, import_form):
        if import_form is None:
            return {}
        data = import_form.cleaned_data
        pending = {
            "name": data["import_file"].tmp_storage_name,
            "user": request.user.pk,
            "format": data["format"],
            "resource": data.get("resource", ""),
            "original": data["import_file"].name,
        }
        return {"import_file_name": signing.dumps(pending, salt=SIGNING_SALT)}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["deadline"] = time.monotonic() + settings.IMPORT_TIME_LIMIT
        return kwargs

    def _discard_upload(self, form):
        # The uploaded file object itself: a read error removes it from cleaned_data.
        upload = form.files.get("import_file") if form is not None and form.files else None
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            self.get_tmp_storage_class()(name=name).remove()

    # --- Confirmation -----------------------------------------------------------

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self._back_to_upload()

        input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            data = storage.read()
        except FileNotFoundError:
            data = None
        # Removed before the import: a second confirmation of the same preview (a
        # double click, another tab) finds nothing and imports nothing.
        if data is None or storage.remove() is False:
            messages.error(
                request,
                _(
                    "This preview was already confirmed or has expired, so nothing more "
                    "was imported. Check the list, and upload the file again if it is "
                    "still needed."
                ),
            )
            return self._back_to_upload()

        try:
            dataset = input_format.create_dataset(data)
        except SpreadsheetError as error:
            # Read at the preview; refused now only if the limits were lowered since.
            result = Result()
            result.append_base_error(Error(error))
        else:
            result = self.process_dataset(dataset, form, request, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return self._failed_confirmation(request, result)
        return self.process_result(result, request)

    def _back_to_upload(self):
        app_label, model_name = self.get_model_info()
        return redirect(f"{self.admin_site.name}:{app_label}_{model_name}_import")

    def _failed_confirmation(self, request, result):
        messages.error(
            request,
            _(
                "Nothing was imported: the file could not be imported as it was "
                "previewed. The reasons are below; correct the file and upload it again."
            ),
        )
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Import"),
            "opts": self.model._meta,
            "import_failed": True,
            "import_error_display": self.import_error_display,
            "result": result,
            "import_problems": self._problems(result),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def _problems(self, result):
        """What went wrong, in words for staff: a file-level problem or a row's error
        message. An unexpected exception is logged with its traceback and described
        without it."""
        problems = [self._describe(error.error) for error in result.base_errors]
        for number, errors in result.row_errors():
            problems += [
                _("Row %(number)s: %(problem)s")
                % {"number": number, "problem": self._describe(error.error)}
                for error in errors
            ]
        return problems

    def _describe(self, error):
        if isinstance(error, (SpreadsheetError, ValueError)):
            return str(error)
        if isinstance(error, ValidationError):
            return " ".join(error.messages)
        logger.error("Spreadsheet import failed", exc_info=error)
        return _(
            "An unexpected error stopped the import; it has been logged for the site's "
            "administrators."
        )
