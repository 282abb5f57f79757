"""The admin of galleries (``portal.blocks.gallery``): an inline for the record's form
and a list of every image of one kind with its own history. A concrete admin names
the foreign key to its record in ``record_field``."""

from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from portal.blocks.admin import RevertGuard

GALLERY_FIELDS = ("image", "image_alt", "caption", "credit", "licence", "position")


class GalleryInline(TranslationStackedInline):
    fields = GALLERY_FIELDS
    extra = 0
    show_change_link = True


class GalleryImageAdmin(RevertGuard, SimpleHistoryAdmin, TranslationAdmin):
    """Images are added with their record (``GalleryInline``); this list shows them
    all, finds one by its caption or credit, and keeps each one's history."""

    record_field = None
    list_filter = ("licence",)
    search_fields = ("caption_ko", "caption_en", "credit_ko", "credit_en")
    list_per_page = 50

    def get_fields(self, request, obj=None):
        return (self.record_field, *GALLERY_FIELDS)

    def get_list_display(self, request):
        return ("__str__", self.record_field, "licence", "position")

    def get_autocomplete_fields(self, request):
        return (self.record_field,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.record_field)
