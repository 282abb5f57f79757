from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from events.figures_admin import EditionFigureInline
from events.models import Event, EventImage, EventSeries
from events.templatetags.events_tags import format_event_when
from portal.blocks.admin import (
    PUBLICATION_FIELDSET,
    ContentAdmin,
    EditGuardForm,
    EditGuardInline,
    PublicationGuard,
)
from portal.blocks.admin_aids import FirstItemsInline, FirstItemsLookup, StaffAids
from portal.blocks.gallery_admin import GalleryImageAdmin, GalleryInline
from portal.blocks.publishing import PublicationStatus


class WhenListFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("ongoing", _("Now on")),
            ("upcoming", _("Upcoming")),
            ("current", _("Now on and upcoming")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "ongoing":
            return queryset.ongoing(today)
        if self.value() == "upcoming":
            return queryset.upcoming(today)
        if self.value() == "current":
            return queryset.filter(end_date__gte=today)
        if self.value() == "past":
            return queryset.filter(end_date__lt=today)
        return queryset


@admin.register(EventSeries)
class EventSeriesAdmin(StaffAids, ContentAdmin):
    list_display = (
        "name",
        "slug",
        "founded_year",
        "recurrence",
        "event_count",
        "publication_state",
    )
    list_filter = ("status",)
    search_fields = ("name_ko", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (
            None,
            {"fields": ("name", "slug", "founded_year", "recurrence", "homepage", "description")},
        ),
        PUBLICATION_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description=_("events"), ordering="event_total")
    def event_count(self, obj):
        return obj.event_total


class ProgrammeItemForm(EditGuardForm):
    """An inline programme item. Its link to the parent is a hidden field, and the admin
    shows no errors of hidden fields: the parent's errors ("outside the dates of ...")
    are moved onto the item, where the admin shows them above its fields."""

    def full_clean(self):
        super().full_clean()
        errors = getattr(self, "_errors", None) or {}
        if "parent" in errors:
            self.add_error(None, errors.pop("parent").as_data())


class ProgrammeInline(
    FirstItemsInline, EditGuardInline, PublicationGuard, TranslationStackedInline
):
    """Programme items on their parent's page; each is validated (dates within the
    parent's, even on the parent's add page) like any event."""

    model = Event
    form = ProgrammeItemForm
    fk_name = "parent"
    extra = 0
    verbose_name = _("programme item")
    verbose_name_plural = _("programme")
    first_items = 4  # each stacked item, in two languages, weighs ~15 KB
    show_change_link = True
    classes = ("collapse",)
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("venue",)
    fields = (
        "title",
        "slug",
        "kind",
        "all_day",
        ("start_date", "end_date"),
        ("starts_at", "ends_at"),
        "venue",
        "place",
        "event_status",
        "status",
    )


class EventImageInline(GalleryInline):
    model = EventImage


@admin.register(Event)
class EventAdmin(StaffAids, FirstItemsLookup, ContentAdmin):
    parent_lookups = ("parent",)
    list_display = (
        "title",
        "dates",
        "kind",
        "series",
        "edition",
        "city",
        "place_or_venue",
        "event_status_flag",
        "publication_state",
    )
    list_filter = (
        "kind",
        WhenListFilter,
        "repeat",
        "series",
        "event_status",
        ("city", admin.RelatedOnlyFieldListFilter),
        "status",
    )
    list_select_related = ("series", "city", "venue")
    search_fields = ("title_ko", "title_en", "slug", "place_ko", "place_en")
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("series", "parent", "venue", "city", "organisers", "partnerships")
    inlines = [ProgrammeInline, EventImageInline, EditionFigureInline]
    actions = [*ContentAdmin.actions, "copy_as_next_edition"]
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "summary", "description")}),
        (_("Series and programme"), {"fields": ("series", "edition", "parent")}),
        (
            _("When"),
            {
                "fields": (
                    "all_day",
                    ("start_date", "end_date"),
                    ("starts_at", "ends_at"),
                    "event_status",
                ),
                "description": _(
                    "All-day events: give the first and last day. Timed events: untick "
                    "all-day and give start and end times (in the site's time zone); the dates "
                    "follow."
                ),
            },
        ),
        (
            _("Repeats"),
            {
                "fields": (
                    ("repeat", "repeat_interval"),
                    "repeat_weekdays",
                    ("repeat_until", "repeat_count"),
                ),
                "classes": ("collapse",),
                "description": _(
                    "For a weekly class or a monthly market: the dates above are its first "
                    "time. Give the last date or the number of times (at most 200 times, "
                    "within two years)."
                ),
            },
        ),
        (_("Where"), {"fields": ("venue", "place", "city", "attendance")}),
        (
            _("Who and how"),
            {
                "fields": (
                    "organisers",
                    "partnerships",
                    "language",
                    "admission_free",
                    "admission",
                    "registration_url",
                )
            },
        ),
        (_("Poster or image"), {"fields": ("image", "image_alt")}),
        PUBLICATION_FIELDSET,
    )

    @admin.display(description=_("dates"), ordering="start_date")
    def dates(self, obj):
        return format_event_when(obj)

    @admin.display(description=_("where"))
    def place_or_venue(self, obj):
        return obj.venue.name if obj.venue_id else obj.place

    @admin.display(description=_("event status"), ordering="event_status")
    def event_status_flag(self, obj):
        if obj.event_status == "scheduled":
            return obj.get_event_status_display()
        return format_html("<strong>{}</strong>", obj.get_event_status_display())

    @admin.action(description=_("Copy as a new draft (next edition)"))
    def copy_as_next_edition(self, request, queryset):
        copies = []
        with transaction.atomic():
            for event in queryset.select_related("series").prefetch_related(
                "organisers", "partnerships"
            ):
                copies.append(copy_as_next_edition(event))
        for copy in copies:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Draft created:"),
                    reverse("admin:events_event_change", args=[copy.pk]),
                    copy,
                ),
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d event copied as a draft. Check its dates before publishing.",
                "%(count)d events copied as drafts. Check their dates before publishing.",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )


def _shift_years(value, years):
    if value is None or not years:
        return value
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a year that has none
        return value.replace(year=value.year + years, day=28)


def _replace_year(text, old, new):
    return text.replace(str(old), str(new)) if text and old and str(old) in text else text


def _unique_slug(base):
    base = base[:190]
    slug, number = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def copy_as_next_edition(event):
    """A draft copy of ``event`` for its next edition.

    Dates move by the years ``Event.next_edition_years()`` gives (2 for "every two years"
    or a biennale, 1 for "every year", otherwise 0: the same dates, for staff to set);
    a year in the title and slug moves with them; the edition number goes up by one;
    organisers and partnerships are kept. Programme items, the poster and publication
    are not copied: the copy is a draft to complete.
    """
    years = event.next_edition_years()
    old_year = (event.start_date or event.end_date).year
    new_year = old_year + years
    organisers = list(event.organisers.all())
    partnerships = list(event.partnerships.all())

    copy = Event.objects.get(pk=event.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.status = PublicationStatus.DRAFT
    copy.publish_at = None
    copy.image = ""
    copy.image_width = copy.image_height = None
    copy.image_alt = copy.image_alt_ko = copy.image_alt_en = ""
    copy.edition = event.edition + 1 if event.edition else None
    for field in ("title", "title_ko", "title_en"):
        setattr(copy, field, _replace_year(getattr(copy, field), old_year, new_year))
    slug = _replace_year(event.slug, old_year, new_year) if years else f"{event.slug}-copy"
    copy.slug = _unique_slug(slug if slug != event.slug else f"{event.slug}-next")
    copy.start_date = _shift_years(event.start_date, years)
    copy.end_date = _shift_years(event.end_date, years)
    copy.starts_at = _shift_years(event.starts_at, years)
    copy.ends_at = _shift_years(event.ends_at, years)
    copy._change_reason = f"copied from {event.slug}"
    copy.save()
    copy.organisers.set(organisers)
    copy.partnerships.set(partnerships)
    return copy


@admin.register(EventImage)
class EventImageAdmin(GalleryImageAdmin):
    record_field = "event"
