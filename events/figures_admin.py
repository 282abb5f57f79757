"""The admin of edition figures: an inline on the event's form (the figures of that
edition), the kinds of figure the office counts, and a list of every figure with its
own history."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from events.figures import EditionFigure, FigureKind
from portal.blocks.admin import HTTPS_URLS, EditGuardInline, RevertGuard
from portal.blocks.admin_aids import StaffAids


class EditionFigureInline(EditGuardInline, TranslationTabularInline):
    model = EditionFigure
    fields = ("kind", "value", "source", "source_url")
    formfield_overrides = HTTPS_URLS
    extra = 0
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kind")


@admin.register(FigureKind)
class FigureKindAdmin(StaffAids, RevertGuard, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_ko", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fields = ("name", "slug", "order")


@admin.register(EditionFigure)
class EditionFigureAdmin(StaffAids, RevertGuard, SimpleHistoryAdmin, TranslationAdmin):
    """Figures are entered on their edition's page; this list shows them all."""

    list_display = ("event", "kind", "value", "source")
    list_filter = ("kind", "event__series")
    list_select_related = ("event", "kind")
    search_fields = ("event__title_ko", "event__title_en", "source_ko", "source_en")
    autocomplete_fields = ("event",)
    fields = ("event", "kind", "value", "source", "source_url")
    formfield_overrides = HTTPS_URLS
