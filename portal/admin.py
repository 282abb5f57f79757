"""Admin building blocks shared by every content app, and the portal's own admins."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import News, Page
from portal.publishing import PublicationStatus
from portal.roles import can_publish

# Staff paste bare addresses ("www.example.org"); today's sites are https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

admin.site.site_header = _("Creative City Portal administration")
admin.site.site_title = _("Creative City Portal")
admin.site.index_title = _("Program office")

PUBLICATION_FIELDSET = (
    _("Publication"),
    {"fields": ("status", "publish_at", "created_at", "updated_at")},
)
VERSION_FIELD = "loaded_version"


def version_of(instance):
    return instance.updated_at.isoformat() if getattr(instance, "updated_at", None) else ""


class EditGuardForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The form carries the record's ``updated_at`` as it was when the page was loaded;
    if the record in the database is newer, the save is refused and the message says
    who changed which fields, so nothing is silently overwritten.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[VERSION_FIELD].initial = version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get(VERSION_FIELD)
        current = version_of(self.instance) if self.instance.pk else ""
        if loaded and current and loaded != current:
            raise ValidationError(self._conflict_message(loaded), code="edit_conflict")
        return cleaned

    def _conflict_message(self, loaded):
        history = getattr(type(self.instance), "history", None)
        changes, who = [], set()
        if history is not None:
            records = list(history.filter(id=self.instance.pk).order_by("-history_date")[:20])
            newer = [r for r in records if r.history_date.isoformat() > loaded]
            for record in newer:
                who.add(str(record.history_user or _("someone")))
                if record.prev_record:
                    for change in record.diff_against(record.prev_record).changes:
                        field = type(self.instance)._meta.get_field(change.field)
                        changes.append(str(field.verbose_name))
        when = date_format(localtime(self.instance.updated_at), "DATETIME_FORMAT")
        return _(
            "%(who)s saved this record at %(when)s, after you opened it (changed: "
            "%(fields)s). Your changes were not saved. Open the record again to see the "
            "current version, then make your changes there."
        ) % {
            "who": ", ".join(sorted(who)) or _("Someone"),
            "when": when,
            "fields": ", ".join(dict.fromkeys(changes)) or _("unknown fields"),
        }


class PublicationGuard:
    """For admins and inlines of publishable content: only Publishers may set the status
    or the publication time (an Editor's new records stay drafts)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly += [f for f in ("status", "publish_at") if f not in readonly]
        return readonly


class ContentAdmin(PublicationGuard, SimpleHistoryAdmin, TranslationAdmin):
    """Base admin for publishable, translated content with edit history.

    Editors may create and change; only Publishers (``portal.publish_content``) may
    publish, schedule, withdraw or revert. Every change, including the actions below,
    goes through ``save()`` so that the history records it (``.update()`` would not).
    """

    form = EditGuardForm
    formfield_overrides = HTTPS_URLS
    readonly_fields = ("created_at", "updated_at")
    actions = ["publish_selected", "unpublish_selected"]
    list_per_page = 50
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        named = {f for _name, options in fieldsets for f in options.get("fields", ())}
        if VERSION_FIELD not in named:
            fieldsets.append((None, {"fields": (VERSION_FIELD,), "classes": ("hidden",)}))
        return fieldsets

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def revert_disabled(self, request, obj=None):
        return not can_publish(request.user) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not can_publish(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description=_("Publish the selected records"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.PUBLISHED)

    @admin.action(description=_("Withdraw the selected records (back to draft)"),
                  permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._set_status(request, queryset, PublicationStatus.DRAFT)

    def _set_status(self, request, queryset, status):
        changed = 0
        for obj in queryset:
            if obj.status != status:
                obj.status = status
                obj._change_reason = f"status → {status}"
                obj._history_user = request.user
                obj.save()
                changed += 1
        self.message_user(
            request,
            ngettext("%(count)d record changed.", "%(count)d records changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.display(description=_("status"), ordering="status")
    def publication_state(self, obj):
        if obj.is_scheduled:
            return _("Scheduled")
        return obj.get_status_display()


@admin.register(News)
class NewsAdmin(ContentAdmin):
    list_display = ("title", "date", "publication_state", "updated_at")
    list_filter = ("status", "date")
    search_fields = ("title_ko", "title_en", "summary_ko", "summary_en")
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("cities", "events")
    fieldsets = (
        (None, {"fields": ("title", "slug", "date", "summary", "body")}),
        (_("Image"), {"fields": ("image", "image_alt")}),
        (_("Related"), {"fields": ("cities", "events")}),
        PUBLICATION_FIELDSET,
    )


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ("title", "slug", "in_footer", "footer_order", "publication_state")
    list_editable = ("footer_order",)
    list_filter = ("status", "in_footer")
    search_fields = ("title_ko", "title_en")
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "body")}),
        (_("Footer"), {"fields": ("in_footer", "footer_order")}),
        PUBLICATION_FIELDSET,
    )
