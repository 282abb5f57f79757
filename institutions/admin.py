from django.contrib import admin
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from events.models import Event
from institutions.models import Discipline, Institution, InstitutionImage
from institutions.resources import InstitutionResource
from portal.blocks.admin import PUBLICATION_FIELDSET, ContentAdmin
from portal.blocks.admin_aids import StaffAids
from portal.blocks.gallery_admin import GalleryImageAdmin, GalleryInline
from portal.blocks.spreadsheet_admin import SpreadsheetAdminMixin


@admin.register(Discipline)
class DisciplineAdmin(StaffAids, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "slug", "institution_count")
    search_fields = ("name_ko", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("slug",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_institutions=Count("institutions"))

    @admin.display(description=_("institutions"), ordering="num_institutions")
    def institution_count(self, obj):
        return obj.num_institutions


class InstitutionImageInline(GalleryInline):
    model = InstitutionImage


@admin.register(Institution)
class InstitutionAdmin(StaffAids, SpreadsheetAdminMixin, ContentAdmin):
    resource_classes = [InstitutionResource]

    list_display = (
        "thumbnail",
        "name_ko",
        "name_en",
        "kind",
        "city",
        "discipline_list",
        "publication_state",
        "updated_at",
    )
    list_display_links = ("name_ko", "name_en")
    list_filter = ("kind", "disciplines", ("city", admin.RelatedOnlyFieldListFilter), "status")
    list_select_related = ("city",)
    search_fields = ("name_ko", "name_en", "address_ko", "address_en", "slug")
    inlines = (InstitutionImageInline,)
    autocomplete_fields = ("city", "disciplines")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("slug",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "disciplines", "city", "founded_year")}),
        (_("Contact"), {"fields": ("address", "postal_code", "phone", "email", "homepage")}),
        (_("Texts"), {"fields": ("summary", "description")}),
        (_("Photo and location"), {"fields": ("image", "image_alt", "latitude", "longitude")}),
        PUBLICATION_FIELDSET,
    )

    def get_queryset(self, request):
        # The changelist shows disciplines (one query for the page) and no long text.
        return (
            super()
            .get_queryset(request)
            .prefetch_related("disciplines")
            .defer("description", "description_ko", "description_en")
        )

    @admin.display(description=_("disciplines"))
    def discipline_list(self, obj):
        return ", ".join(str(discipline) for discipline in obj.disciplines.all())

    def get_deleted_objects(self, objs, request):
        """Events keep their venue by a PROTECT foreign key, which Django already lists;
        organisers are a many-to-many that Django would silently unlink, so the events
        an institution organises are listed as protecting it too. The delete page and
        the delete action then refuse, naming the events."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        organised = Event.objects.filter(organisers__in=list(objs)).distinct().order_by("pk")
        already = {str(item) for item in protected}
        for event in organised:
            item = self._protected_event(event)
            if str(item) not in already:
                protected.append(item)
        return deleted, counts, perms_needed, protected

    def _protected_event(self, event):
        label = capfirst(Event._meta.verbose_name)
        try:
            url = reverse("admin:events_event_change", args=[event.pk])
        except NoReverseMatch:
            return f"{label}: {event}"
        return format_html('{}: <a href="{}">{}</a>', label, url, event)


@admin.register(InstitutionImage)
class InstitutionImageAdmin(GalleryImageAdmin):
    record_field = "institution"
