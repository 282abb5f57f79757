"""The portal's own admins (news, pages), the admin's titles and the deleted-records
view every content model links to."""

import operator
from functools import reduce

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from portal import reports_admin  # noqa: F401  (registers the monitoring reports)
from portal.blocks.admin import (
    HTTPS_URLS,
    PUBLICATION_FIELDSET,
    VERSION_FIELD,
    ContentAdmin,
    EditGuardForm,
    RevertGuard,
)
from portal.blocks.admin_aids import StaffAids
from portal.blocks.attention import deleted_records, title_field
from portal.blocks.gallery_admin import GalleryImageAdmin, GalleryInline
from portal.blocks.review_admin import RevisionAdmin
from portal.blocks.revisions import Revision
from portal.models import IDENTITY_PK, Document, News, NewsImage, Page, SiteIdentity, SocialLink
from portal.two_factor import admin as two_factor_admin  # noqa: F401  (registers User)

admin.site.site_header = _("Creative City Portal administration")
admin.site.site_title = _("Creative City Portal")
admin.site.index_title = _("Program office")
admin.site.register(Revision, RevisionAdmin)


class NewsImageInline(GalleryInline):
    model = NewsImage


@admin.register(News)
class NewsAdmin(StaffAids, ContentAdmin):
    list_display = ("title", "date", "publication_state", "updated_at")
    list_filter = ("status", "date")
    search_fields = ("title_ko", "title_en", "summary_ko", "summary_en")
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("cities", "events")
    inlines = (NewsImageInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug", "date", "summary", "body")}),
        (_("Image"), {"fields": ("image", "image_alt")}),
        (_("Related"), {"fields": ("cities", "events")}),
        PUBLICATION_FIELDSET,
    )


@admin.register(Page)
class PageAdmin(StaffAids, ContentAdmin):
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


class SocialLinkInline(TranslationTabularInline):
    model = SocialLink
    fields = ("network", "url", "order")
    formfield_overrides = HTTPS_URLS
    extra = 1
    max_num = 10


@admin.register(SiteIdentity)
class SiteIdentityAdmin(StaffAids, RevertGuard, SimpleHistoryAdmin, TranslationAdmin):
    """One record: the list opens it (or the form that creates it), and it can be
    neither added twice nor deleted."""

    form = EditGuardForm
    formfield_overrides = HTTPS_URLS
    inlines = [SocialLinkInline]
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("site_name", "office_name")}),
        (_("Official website"), {"fields": ("is_government_site", "government_url")}),
        (
            _("Logos"),
            {
                "fields": (
                    "office_logo",
                    "office_logo_alt",
                    "emblem",
                    "emblem_alt",
                    "unesco_logo",
                    "unesco_logo_alt",
                )
            },
        ),
        (_("Contact"), {"fields": ("address", "postal_code", "phone", "email", "hours")}),
        (_("Open data"), {"fields": ("open_data_licence",)}),
        (None, {"fields": (VERSION_FIELD,), "classes": ("hidden",)}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteIdentity.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        identity = SiteIdentity.objects.only("pk").first()
        if identity is None:
            return redirect("admin:portal_siteidentity_add")
        return redirect("admin:portal_siteidentity_change", identity.pk)


@admin.register(SocialLink)
class SocialLinkAdmin(StaffAids, RevertGuard, SimpleHistoryAdmin, TranslationAdmin):
    """The links are edited with the site identity; this list shows them all and keeps
    their own history."""

    list_display = ("network", "url", "order")
    list_editable = ("order",)
    search_fields = ("network_ko", "network_en", "url")
    fields = ("identity", "network", "url", "order")
    formfield_overrides = HTTPS_URLS

    def get_changeform_initial_data(self, request):
        return {"identity": IDENTITY_PK, **super().get_changeform_initial_data(request)}


DELETED_PER_PAGE = 50


class DeletedSearchForm(forms.Form):
    # A CharField refuses NUL characters, which PostgreSQL text cannot hold.
    q = forms.CharField(required=False, max_length=200)


def deleted_records_view(request, app_label, model_name):
    """The records of one content model that were deleted and not restored, newest
    first, each linked to its history and to the form that restores it.

    One view for every model whose admin has simple-history's views (routed in
    ``portal.urls``, linked from each changelist by ``admin/change_list.html``), so that
    a deletion older than the dashboard's short list can still be found. Restoring is
    simple-history's revert form on the deletion record, which holds the record's last
    fields and links; only Publishers may save it (``ContentAdmin.history_form_view``).
    """
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if not isinstance(model_admin, SimpleHistoryAdmin):
        raise Http404
    if not model_admin.has_view_history_or_change_history_permission(request):
        raise PermissionDenied
    records = deleted_records(model).select_related("history_user").order_by("-history_date")
    search = DeletedSearchForm(request.GET)
    # As the admin's own lists do: a search that is not valid is said and left out.
    for errors in search.errors.values():
        messages.error(request, " ".join(errors))
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    if query:
        # By the record's name or title, in any language it has.
        name = title_field(model)
        columns = {field.name for field in records.model._meta.fields}
        lookups = [
            models.Q(**{f"{column}__icontains": query})
            for column in (name, f"{name}_ko", f"{name}_en")
            if column in columns
        ]
        records = records.filter(reduce(operator.or_, lookups)) if lookups else records.none()
    page = Paginator(records, DELETED_PER_PAGE).get_page(request.GET.get("p"))
    info = model._meta.app_label, model._meta.model_name
    rows = [
        {
            # history_object, not instance: it is built from the version alone, where
            # instance reads excluded fields back from the live record (a query per row).
            "label": str(record.history_object),
            "when": record.history_date,
            "who": record.history_user,
            "history_url": reverse("admin:{}_{}_history".format(*info), args=[record.id]),
            "restore_url": reverse(
                "admin:{}_{}_simple_history".format(*info), args=[record.id, record.history_id]
            ),
        }
        for record in page.object_list
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Deleted %(name)s") % {"name": model._meta.verbose_name_plural},
        "opts": model._meta,
        "changelist_url": reverse("admin:{}_{}_changelist".format(*info)),
        "module_name": capfirst(model._meta.verbose_name_plural),
        "rows": rows,
        "page_obj": page,
        "query": query,
    }
    return TemplateResponse(request, "admin/deleted_records.html", context)


@admin.register(NewsImage)
class NewsImageAdmin(GalleryImageAdmin):
    record_field = "news"


@admin.register(Document)
class DocumentAdmin(StaffAids, ContentAdmin):
    list_display = ("title", "kind", "date", "language", "file_format", "size", "publication_state")
    list_filter = ("status", "kind", "language", "file_format", "licence", "date")
    search_fields = ("title_ko", "title_en", "summary_ko", "summary_en", "slug")
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("cities", "events", "news")
    readonly_fields = (*ContentAdmin.readonly_fields, "file_format", "size")
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "date", "language", "summary")}),
        (_("File"), {"fields": ("file", "file_format", "size", "licence")}),
        (_("Related"), {"fields": ("cities", "events", "news")}),
        PUBLICATION_FIELDSET,
    )

    @admin.display(description=_("file size"), ordering="file_size")
    def size(self, obj):
        return filesizeformat(obj.file_size) if obj and obj.file_size else "—"
