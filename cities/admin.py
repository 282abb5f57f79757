from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from modeltranslation.admin import TranslationTabularInline

from cities.models import City, CityImage, Milestone, Partnership
from cities.resources import CityResource
from portal.blocks.admin import (
    PUBLICATION_FIELDSET,
    ContentAdmin,
    EditGuardInline,
    PublicationGuard,
)
from portal.blocks.admin_aids import FirstItemsInline, FirstItemsLookup, StaffAids
from portal.blocks.dates import format_partial_date
from portal.blocks.gallery_admin import GalleryImageAdmin, GalleryInline
from portal.blocks.spreadsheet_admin import SpreadsheetAdminMixin

# Editors paste addresses without a scheme; assume https (Django 6's default) for them.


class PartnershipInline(
    FirstItemsInline, EditGuardInline, PublicationGuard, TranslationTabularInline
):
    model = Partnership
    fk_name = "city"
    fields = (
        "partner",
        "kind",
        "title",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "status",
    )
    autocomplete_fields = ("partner",)
    show_change_link = True
    extra = 0
    verbose_name = _("partnership with another city")
    verbose_name_plural = _("partnerships with other cities")


class MilestoneInline(
    FirstItemsInline, EditGuardInline, PublicationGuard, TranslationTabularInline
):
    model = Milestone
    fields = ("date", "date_precision", "title", "event", "status")
    autocomplete_fields = ("event",)
    show_change_link = True
    extra = 0


class CityImageInline(GalleryInline):
    model = CityImage


@admin.register(City)
class CityAdmin(StaffAids, SpreadsheetAdminMixin, ContentAdmin):
    resource_classes = [CityResource]

    list_display = (
        "name_en",
        "name_ko",
        "country",
        "region",
        "creative_field",
        "designation_year",
        "is_home",
        "publication_state",
    )
    list_display_links = ("name_en", "name_ko")
    list_filter = (
        "creative_field",
        "region",
        ("country", CountryFilter),
        ("designation_year", admin.AllValuesFieldListFilter),
        "status",
        "is_home",
    )
    search_fields = ("name_ko", "name_en", "slug")
    ordering = ("name_en",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = (PartnershipInline, MilestoneInline, CityImageInline)
    actions = [*ContentAdmin.actions, "make_home_city"]
    # Which city the portal belongs to is a Publisher's choice (and action), as publishing.
    publisher_fields = (*ContentAdmin.publisher_fields, "is_home")
    # Set when an accepted correction from the city is applied (cities/corrections.py).
    readonly_fields = (*ContentAdmin.readonly_fields, "confirmed_by_city")
    # Its object tools offer to invite the city to check its profile.
    change_form_template = "admin/cities/city/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "country",
                    "region",
                    "creative_field",
                    "sub_disciplines",
                    "designation_year",
                    "previous_field",
                    "field_changed_year",
                    "population",
                    "is_home",
                )
            },
        ),
        (_("Texts"), {"fields": ("summary", "description")}),
        (
            _("Contact"),
            {"fields": ("website", "focal_point", "contact_email", "confirmed_by_city")},
        ),
        (_("Image and location"), {"fields": ("image", "image_alt", "latitude", "longitude")}),
        PUBLICATION_FIELDSET,
    )

    def get_queryset(self, request):
        # The changelist shows no long text: leave descriptions out of its rows.
        return (
            super().get_queryset(request).defer("description", "description_ko", "description_en")
        )

    @admin.action(description=_("Make this the home city"), permissions=["publish"])
    def make_home_city(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one city to make it the home city."), messages.ERROR
            )
            return
        city = queryset.get()
        city.make_home()
        self.message_user(
            request, _("%(city)s is now the home city.") % {"city": city}, messages.SUCCESS
        )


@admin.register(Partnership)
class PartnershipAdmin(StaffAids, FirstItemsLookup, ContentAdmin):
    parent_lookups = ("city",)
    list_display = ("title", "city", "partner", "kind", "start", "publication_state")
    list_filter = ("kind", "status", ("city", admin.RelatedOnlyFieldListFilter), "partner__region")
    search_fields = (
        "title_ko",
        "title_en",
        "city__name_ko",
        "city__name_en",
        "partner__name_ko",
        "partner__name_en",
    )
    list_select_related = ("city", "partner")
    autocomplete_fields = ("city", "partner")
    date_hierarchy = "start_date"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "city",
                    "partner",
                    "kind",
                    "title",
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision"),
                    "description",
                    "link",
                )
            },
        ),
        PUBLICATION_FIELDSET,
    )

    @admin.display(description=_("start"), ordering="start_date")
    def start(self, obj):
        return format_partial_date(obj.start_date, obj.start_precision)


@admin.register(Milestone)
class MilestoneAdmin(StaffAids, FirstItemsLookup, ContentAdmin):
    parent_lookups = ("city",)
    list_display = ("title", "city", "when", "publication_state")
    list_filter = ("status", ("city", admin.RelatedOnlyFieldListFilter), "date_precision")
    search_fields = ("title_ko", "title_en", "city__name_ko", "city__name_en")
    list_select_related = ("city",)
    autocomplete_fields = ("city", "event")
    fieldsets = (
        (None, {"fields": ("city", ("date", "date_precision"), "title", "text", "event")}),
        PUBLICATION_FIELDSET,
    )

    @admin.display(description=_("date"), ordering="date")
    def when(self, obj):
        return format_partial_date(obj.date, obj.date_precision)


@admin.register(CityImage)
class CityImageAdmin(GalleryImageAdmin):
    record_field = "city"


# Partner cities' corrections to their profiles: invitations and proposals.
import cities.correction_admin  # noqa: E402, F401
