from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import recurrence
from portal.blocks.fields import year_field
from portal.blocks.gallery import GalleryImage
from portal.blocks.images import IMAGE_FIELDS, Illustrated
from portal.blocks.pagination import rows_in_range
from portal.blocks.publishing import Publishable, PublishableQuerySet, if_public
from portal.blocks.reversing import reverse_slug
from portal.blocks.text_search import Related, SearchFields, matching


class EventSeries(Publishable):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    founded_year = year_field(_("first held"))
    recurrence = models.CharField(
        _("recurrence"),
        max_length=100,
        blank=True,
        help_text=_('In words, e.g. "every two years".'),
    )
    homepage = models.URLField(_("homepage"), blank=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")
        ordering = ["slug"]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse_slug("events:series", self.slug)


class EventKind(models.TextChoices):
    BIENNALE = "biennale", _("Biennale")
    FESTIVAL = "festival", _("Festival")
    EXHIBITION = "exhibition", _("Exhibition")
    CEREMONY = "ceremony", _("Ceremony")
    CONFERENCE = "conference", _("Conference or network meeting")
    WORKSHOP = "workshop", _("Workshop or class")
    FAIR = "fair", _("Fair or market")
    PERFORMANCE = "performance", _("Performance")
    OTHER = "other", _("Other")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("On site and online")


class EventLanguage(models.TextChoices):
    """The language an event is held in, as an ISO 639 code (schema.org inLanguage)."""

    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    SEVERAL = "mul", _("Several languages")


# Paths under /events/ that are not events (see events/urls.py).
RESERVED_SLUGS = {"ics", "calendar", "widget", "embed", "series"}

# Long texts that lists never show (modeltranslation keeps a column per language).
LONG_TEXT = ("description", "description_ko", "description_en")

# The rule of a repeating event.
REPEAT_FIELDS = ("repeat", "repeat_interval", "repeat_weekdays", "repeat_until", "repeat_count")

# What lists read: the publication state (for is_live), the title, the dates and the status.
COMPACT_FIELDS = (
    "slug",
    "title_ko",
    "title_en",
    "start_date",
    "end_date",
    "all_day",
    "starts_at",
    "ends_at",
    "event_status",
    "status",
    "publish_at",
    # A repeating event's dates are worked out from its rule (events/recurrence.py).
    *REPEAT_FIELDS,
    # What it belongs to: a page that lists a venue's events, a festival's programme or
    # a series' editions depends on them by that record's tag alone
    # (portal.blocks.caching.tags.minimal).
    "venue_id",
    "parent_id",
    "series_id",
)
CARD_FIELDS = (
    *COMPACT_FIELDS,
    *IMAGE_FIELDS,
    "kind",
    "city_id",
    "place_ko",
    "place_en",
)
# What a card says about the venue and the city: the name, once it is public.
NAMED_FIELDS = ("slug", "name_ko", "name_en", "status", "publish_at")

# Short lists of what a place or city held: the latest start first, undated last.
LATEST_FIRST = (F("start_date").desc(nulls_last=True), "-pk")


def _joint_links(city, partnerships=None):
    """The event–partnership links of the published partnerships ``city`` is part of,
    with both cities public; ``partnerships``: their keys, when the caller has read them
    (a subquery repeated in a statement costs more to build than a list of keys)."""
    if partnerships is None:
        partnership = Event.partnerships.field.related_model
        partnerships = partnership.objects.published().involving(city).values("pk")
    return Event.partnerships.through.objects.filter(partnership__in=partnerships)


class RepeatFrequency(models.TextChoices):
    WEEKLY = recurrence.WEEKLY, _("Weekly")
    MONTHLY = recurrence.MONTHLY, _("Monthly")


class WeekdaysField(models.CharField):
    """Weekday codes of RFC 5545, stored as text ("MO,TH"), ticked as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # Checkboxes, whatever text input the admin offers for a CharField.
        kwargs.pop("widget", None)
        return super().formfield(**{**kwargs, "form_class": recurrence.WeekdaysFormField})


# What a search reads of an event (``portal.blocks.text_search``): its venue and
# series by their names.
EVENT_SEARCH = SearchFields(
    names=("title_ko", "title_en"),
    texts=("summary_ko", "summary_en", "place_ko", "place_en"),
    long=("description_ko", "description_en"),
    related=(
        Related("series", ("name_ko", "name_en")),
        Related("venue", ("name_ko", "name_en")),
    ),
    choices=(("kind", lambda: EventKind.choices),),
)


class EventQuerySet(PublishableQuerySet):
    """Ongoing, upcoming and past are decided on dates in the site's time zone: an event
    is listed from its start date to the end of its end date (timed events included, so
    a 19:00 concert stays in "now on and upcoming" all that day; ``Event.is_now_on``
    then says whether it is actually on at this moment). ``today`` may be passed in
    (tests, feeds) and defaults to today in settings.TIME_ZONE."""

    def search(self, text):
        """The events ``text`` matches (``EVENT_SEARCH``)."""
        return matching(self, text, EVENT_SEARCH)

    def current_and_upcoming(self, today=None):
        """Events that have not ended yet (ongoing or upcoming), ongoing first (they
        started earliest), then soonest first."""
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today).order_by(
            F("start_date").asc(nulls_first=True), "end_date", "pk"
        )

    def ongoing(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(start_date__lte=today) | Q(start_date__isnull=True), end_date__gte=today
        )

    def upcoming(self, today=None):
        """Not started yet."""
        today = today or timezone.localdate()
        return self.filter(start_date__gt=today)

    def past(self, today=None):
        """Ended before today, most recent first."""
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today).order_by(
            "-end_date", F("start_date").desc(nulls_last=True), "-pk"
        )

    def nearest(self, limit, today=None):
        """The ``limit`` events nearest to today: what is on or ahead (soonest first, as
        ``current_and_upcoming``), then what has ended (latest first), so that a capped
        calendar drops the furthest on either side. Two queries that sort keys only
        (``rows_in_range``), rather than one sorting whole rows by a computed key."""
        today = today or timezone.localdate()
        ahead = rows_in_range(self.current_and_upcoming(today), 0, limit)
        if len(ahead) == limit:
            return ahead
        return ahead + rows_in_range(self.past(today), 0, limit - len(ahead))

    def overlapping(self, start=None, end=None):
        """Events that are on at some point between ``start`` and ``end`` (inclusive
        dates; either may be None for an open range)."""
        queryset = self
        if start:
            queryset = queryset.filter(end_date__gte=start)
        if end:
            queryset = queryset.filter(Q(start_date__lte=end) | Q(start_date__isnull=True))
        if start or end:
            # A repeating event's dates run from its first to its last: between them it
            # is on only on the dates of its rule.
            dates = EventOccurrence.objects.filter(event=OuterRef("pk"))
            if start:
                dates = dates.filter(end_date__gte=start)
            if end:
                dates = dates.filter(start_date__lte=end)
            queryset = queryset.filter(Q(repeat="") | Exists(dates))
        return queryset

    def at_or_by(self, institution):
        """Events an institution hosts or organises."""
        # The keys of both in one subquery (a UNION, each side from its own index)
        # rather than "venue = x OR pk IN (…)", which PostgreSQL answers by scanning
        # every event (37 ms against 2.6 at 50,000 events); no join, so no DISTINCT.
        hosted = Event.objects.filter(venue=institution).order_by().values("pk")
        organised = Event.organisers.through.objects.filter(institution=institution)
        return self.filter(pk__in=hosted.union(organised.values("event_id"), all=True))

    def joint_with(self, city):
        """Events that came out of a partnership the city profile shows: published,
        with both cities public."""
        return self.filter(pk__in=_joint_links(city).values("event_id"))

    def joint_with_or_in(self, city, latest, partnerships=None):
        """The events of ``joint_with(city)`` (``is_joint``) and the ``latest`` of
        those held in the city (``LATEST_FIRST``), in one query: a city profile lists
        the joint ones, or the city's own while it has none. A city may hold thousands
        of events, of which only the latest can be shown. ``partnerships``: the keys of
        the city's published partnerships, when the caller has them."""
        joint = _joint_links(city, partnerships)
        # The latest held keys are sorted alone, in a subquery of their own (SQLite
        # allows no LIMIT in a side of a UNION); then a union of keys, each side from
        # its own index, as in ``at_or_by``.
        latest_held = self.filter(city=city).order_by(*LATEST_FIRST).values("pk")[:latest]
        held = Event.objects.filter(pk__in=latest_held).order_by().values("pk")
        return self.filter(pk__in=held.union(joint.values("event_id"), all=True)).annotate(
            is_joint=Exists(joint.filter(event_id=OuterRef("pk")))
        )

    def for_listing(self):
        """Only the columns an event card shows (events/_event_card.html), venue and city
        in the same query. Loading whole rows of three tables costs more than the rest of
        the card; a field added to the card is added here, or each card reads it alone."""
        return self.select_related("venue", "city").only(
            *CARD_FIELDS,
            *(f"{relation}__{field}" for relation in ("venue", "city") for field in NAMED_FIELDS),
        )

    def for_compact_listing(self):
        """Only the columns of a short list (events/_list_compact.html): no join."""
        return self.only(*COMPACT_FIELDS)

    def for_calendar(self):
        """What an iCalendar entry says (events/ics.py): everything but the long texts,
        venue and city in the same query."""
        return self.select_related("venue", "city").defer(
            *LONG_TEXT,
            *(f"{relation}__{field}" for relation in ("venue", "city") for field in LONG_TEXT),
        )

    def now_and_next(self, today=None):
        """For the home page: what is on now and next (top-level events only)."""
        return self.current_and_upcoming(today).filter(parent__isnull=True).for_listing()


class Event(recurrence.SessionTimes, Illustrated, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    edition = models.PositiveSmallIntegerField(
        _("edition"), null=True, blank=True, help_text=_("e.g. 14 for the 14th edition.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme",
        db_index=False,  # see Meta.indexes
        help_text=_("For a programme item: the biennale or festival it belongs to."),
    )
    all_day = models.BooleanField(
        _("all-day"),
        default=True,
        help_text=_("All-day events have dates only; otherwise give start and end times."),
    )
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("Leave empty only for a past event whose start was not recorded."),
    )
    end_date = models.DateField(
        _("end date"),
        blank=True,
        help_text=_("The last day. For a timed event it is taken from the end time."),
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    repeat = models.CharField(
        _("repeats"),
        max_length=10,
        choices=RepeatFrequency.choices,
        blank=True,
        help_text=_(
            "For a class or a market that takes place again and again. The dates above are "
            "the first time; a repeating all-day event lasts one day each time, and its end "
            "date is set to the last time."
        ),
    )
    repeat_interval = models.PositiveSmallIntegerField(
        _("every"),
        default=1,
        blank=True,
        help_text=_("1 for every week or month, 2 for every other one, and so on."),
    )
    repeat_weekdays = WeekdaysField(
        _("on"),
        blank=True,
        help_text=_(
            "For a weekly event: the weekdays it takes place on (none: the weekday of the "
            "first date)."
        ),
    )
    repeat_until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("The last date it may take place (at most two years after the first)."),
    )
    repeat_count = models.PositiveSmallIntegerField(
        _("number of times"),
        null=True,
        blank=True,
        help_text=_("Or: how many times it takes place in all (at most 200)."),
    )
    venue = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where it happens, when the venue is not an institution in the directory."),
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    organisers = models.ManyToManyField(
        "institutions.Institution",
        verbose_name=_("organisers"),
        blank=True,
        related_name="organised_events",
    )
    partnerships = models.ManyToManyField(
        "cities.Partnership",
        verbose_name=_("partnerships"),
        blank=True,
        related_name="events",
        help_text=_("Partnerships this event came out of."),
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.ON_SITE
    )
    admission_free = models.BooleanField(_("free admission"), default=False)
    admission = models.CharField(
        _("admission"),
        max_length=200,
        blank=True,
        help_text=_("Prices or conditions, when admission is not simply free."),
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    language = models.CharField(
        _("language of the event"),
        max_length=3,
        choices=EventLanguage.choices,
        blank=True,
        help_text=_(
            "The language the event itself is held in (talks, guided tours, workshops), "
            "not the language of this page. Leave empty when it is not known."
        ),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    event_status = models.CharField(
        _("event status"),
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
        help_text=_("A cancelled or postponed event stays on the site, marked as such."),
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "end_date", "pk"]
        indexes = [
            # Every public list filters published events by their dates (upcoming,
            # past, a date range) and orders by them; counting and paging are done in
            # the index (status too: SQLite reads the table for a condition on a column
            # the index lacks, partial index or not). The key comes last: SQLite keeps it
            # in every index, PostgreSQL does not, and without it PostgreSQL read a
            # block of the table for each of the 4,000 upcoming events to page them.
            models.Index(
                fields=["end_date", "start_date", "publish_at", "status", "id"],
                condition=Q(status="published"),
                name="event_published_dates",
            ),
            # The same for top-level events (the home page's "on now and next").
            models.Index(
                fields=["end_date", "start_date", "publish_at", "status", "id"],
                condition=Q(status="published", parent__isnull=True),
                name="event_published_top_dates",
            ),
            # A list of one kind (exhibitions, festivals), upcoming or past, counted and
            # paged in the index rather than by reading every upcoming event's row.
            models.Index(
                fields=["kind", "end_date", "start_date", "publish_at", "status", "id"],
                condition=Q(status="published"),
                name="event_published_kind",
            ),
            # A city's latest events (its profile), read in date order from the index
            # instead of sorting all of the city's events.
            models.Index(
                fields=["city", "start_date", "publish_at", "status", "id"],
                condition=Q(status="published"),
                name="event_published_city",
            ),
            # The admin's list, in the model's order: read fifty rows from the index
            # instead of sorting every event (its date hierarchy reads it too).
            models.Index(fields=["start_date", "end_date", "id"], name="event_admin_order"),
            # Programme items of an event. Partial, so that "parent IS NULL" (most rows)
            # is never mistaken for a selective lookup on this index.
            models.Index(
                fields=["parent"], condition=Q(parent__isnull=False), name="event_programme_items"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_ends_on_or_after_its_start_date",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse_slug("events:detail", self.slug)

    # What the public may see of the records the event points at (``if_public``).
    @property
    def public_city(self):
        return if_public(self.city)

    @property
    def public_venue(self):
        return if_public(self.venue)

    @property
    def public_parent(self):
        return if_public(self.parent)

    @property
    def public_series(self):
        return if_public(self.series)

    @property
    def occurrence_dates(self):
        """Every date the event takes place (one for an event that does not repeat)."""
        return recurrence.occurrences(self)

    @property
    def next_dates(self):
        """The dates of a repeating event still to come (the first ten)."""
        return recurrence.upcoming(self, limit=10)

    @property
    def repeat_text(self):
        return recurrence.describe(self)

    @property
    def is_now_on(self):
        """On at this moment. A timed event is on between its start and end times (a
        19:00 concert is not "now on" at 09:00, nor after it ended); an all-day event is
        on all day from its start date (or an unrecorded start) to its end date, in the
        site's time zone."""
        if self.repeat:
            if self.is_timed:
                now = timezone.now()
                return any(item.starts_at <= now < item.ends_at for item in self.occurrence_dates)
            return recurrence.on_day(self, timezone.localdate())
        if self.is_timed:
            return self.starts_at <= timezone.now() < self.ends_at
        today = timezone.localdate()
        return (
            self.end_date is not None
            and self.end_date >= today
            and (self.start_date is None or self.start_date <= today)
        )

    @property
    def is_past(self):
        return self.end_date is not None and self.end_date < timezone.localdate()

    @property
    def is_timed(self):
        return self.timed(self.all_day, self.starts_at, self.ends_at)

    @staticmethod
    def timed(all_day, starts_at, ends_at):
        """Whether an event with these values has times (else it is by dates only)."""
        return not all_day and starts_at is not None and ends_at is not None

    def _sync_dates(self):
        # Timed events keep their dates in step (in the site's time zone), so that lists,
        # filters and ordering work on dates alone for every event.
        if self.is_timed:
            self.start_date = timezone.localtime(self.starts_at).date()
            self.end_date = timezone.localtime(self.ends_at).date()
        # A repeating event is listed from its first date to its last.
        if self.repeat and self.start_date:
            self.end_date = recurrence.occurrences(self)[-1].end_date

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Whether the row may have dates to delete when it stops repeating (None: not
        # loaded, so unknown).
        instance._stored_repeat = instance.__dict__.get("repeat")
        return instance

    def save(self, *args, **kwargs):
        if self.repeat_interval is None:  # left empty in a form
            self.repeat_interval = 1
        self._sync_dates()
        self._inherit_city()
        update_fields = kwargs.get("update_fields")
        stored = getattr(self, "_stored_repeat", "" if self._state.adding else None)
        sync = (self.repeat or stored != "") and (
            update_fields is None or set(update_fields) & OCCURRENCE_SOURCES
        )
        if not sync:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self.sync_occurrences()

    def sync_occurrences(self):
        """Write the ``EventOccurrence`` rows of this event from its rule (none when it
        does not repeat). Called on every save; ``manage.py rebuild_occurrences`` does it
        for rows written without ``save()`` (``.update()``, a restore)."""
        EventOccurrence.objects.filter(event=self).delete()
        if self.repeat and self.start_date:
            EventOccurrence.objects.bulk_create(
                EventOccurrence(
                    event=self,
                    start_date=item.start_date,
                    end_date=item.end_date,
                    starts_at=item.starts_at,
                    ends_at=item.ends_at,
                )
                for item in recurrence.occurrences(self)
            )
        self._stored_repeat = self.repeat

    def _inherit_city(self):
        # Programme items are mostly added inline on their parent's page, where the
        # inline has no city field: without this they would drop out of the city's event
        # lists. Only the city is taken; a venue or place stays what staff gave (or none).
        if self.city_id is None and self.parent_id is not None:
            self.city_id = self.parent.city_id

    def clean(self):
        super().clean()
        if self.repeat_interval is None:
            self.repeat_interval = 1
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address name is used by the site; choose another.")
        if self.all_day:
            if self.starts_at or self.ends_at:
                errors["all_day"] = _(
                    "An all-day event has dates only: clear the start and end times, or "
                    "untick all-day."
                )
            if self.end_date is None and not self.repeat:
                errors["end_date"] = _("Give the end date (the last day of the event).")
            elif self.start_date and not self.repeat and self.end_date < self.start_date:
                errors["end_date"] = _(
                    "The end date cannot be before the start date: the end date is the "
                    "last day of the event."
                )
            elif (
                self.start_date is None
                and self.end_date is not None
                and self.end_date >= timezone.localdate()
            ):
                errors["start_date"] = _(
                    "Give the start date. Only a past event whose start was not recorded "
                    "may leave it empty."
                )
        else:
            if not self.starts_at:
                errors["starts_at"] = _("A timed event needs a start time (or tick all-day).")
            if not self.ends_at:
                errors["ends_at"] = _("A timed event needs an end time (or tick all-day).")
            if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
                errors["ends_at"] = _("The end cannot be before the start.")
        if not errors:
            errors.update(recurrence.validate(self))
        if errors:
            raise ValidationError(errors)
        self._sync_dates()
        self._clean_programme()

    def _clean_programme(self):
        """A programme item lies within its parent's dates (and a parent keeps its items
        within its own); no event is, through any chain of parents, part of itself."""
        # The object, not parent_id: an item added inline on its parent's add page
        # points at a parent that is not saved yet, so only the object carries its dates.
        parent = self.parent
        if parent is not None:
            if self._parent_chain_loops(parent):
                raise ValidationError(
                    {
                        "parent": _(
                            "An event cannot be part of itself or of one of its own "
                            "programme items."
                        )
                    }
                )
            if not _within(self, parent):
                raise ValidationError(
                    {
                        "parent": _(
                            "A programme item must lie within the dates of the event it belongs to "
                            "(%(parent)s: %(dates)s). Change this item's dates, or widen the "
                            "dates of %(parent)s first."
                        )
                        % {"parent": parent, "dates": parent.date_range_text()}
                    }
                )
        if self.pk and self.start_date and self.end_date:
            outside = [
                item
                for item in Event.objects.filter(parent=self).only(
                    "pk", "title", "title_ko", "title_en", "slug", "start_date", "end_date"
                )
                if not _within(item, self)
            ]
            if outside:
                raise ValidationError(
                    _(
                        "These programme items would fall outside the new dates: %(items)s. "
                        "Change their dates first, or keep these dates wider."
                    )
                    % {"items": ", ".join(str(item) for item in outside)}
                )

    def _parent_chain_loops(self, parent):
        """Whether making ``parent`` this event's parent would close a loop, however many
        levels up (A in B in C in A). Chains are short (a biennale, an exhibition, a
        talk), so walking them costs a query per level; ``seen`` also stops the walk at a
        loop already in the database (written by an .update() that skipped this check)."""
        seen = {self.pk} if self.pk else set()
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk is not None and ancestor.pk in seen:
                return True
            seen.add(ancestor.pk)
            if ancestor.parent_id is None:
                return False
            ancestor = Event.objects.filter(pk=ancestor.parent_id).only("pk", "parent").first()
        return False

    def date_range_text(self):
        from portal.blocks.dates import format_date_range

        return format_date_range(self.start_date, self.end_date)

    def next_edition_years(self):
        """How many years the next edition is after this one, as the series' recurrence
        or the kind suggests: 2 for a biennale ("every two years", "biennial", "2년"),
        1 for an annual event ("every year", "annual", "매년"), otherwise 0 (the copy
        keeps the dates and staff set them)."""
        words = " ".join(
            filter(
                None,
                [
                    getattr(self.series, "recurrence_en", "") if self.series_id else "",
                    getattr(self.series, "recurrence_ko", "") if self.series_id else "",
                ],
            )
        ).lower()
        if any(word in words for word in ("two years", "biennial", "2년", "격년")):
            return 2
        if any(word in words for word in ("every year", "annual", "yearly", "매년", "해마다")):
            return 1
        if self.kind == EventKind.BIENNALE:
            return 2
        return 0


def _within(item, parent):
    if parent.end_date and item.end_date and item.end_date > parent.end_date:
        return False
    if parent.start_date and item.start_date and item.start_date < parent.start_date:
        return False
    return not (parent.start_date and item.start_date is None)


class EventImage(GalleryImage):
    """One image of a event's gallery, shown on its page."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="gallery", verbose_name=_("event")
    )

    class Meta(GalleryImage.Meta):
        verbose_name = _("event gallery image")
        verbose_name_plural = _("event gallery images")


# The fields whose change changes a repeating event's dates.
OCCURRENCE_SOURCES = {
    *REPEAT_FIELDS,
    "start_date",
    "end_date",
    "starts_at",
    "ends_at",
    "all_day",
}


class EventOccurrence(recurrence.SessionTimes, models.Model):
    """One date of a repeating event, written from its rule whenever the event is saved
    (``Event.sync_occurrences``): what the month calendar and a date range filter on.
    Events that do not repeat have none; their own dates say it all."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="occurrences",
        verbose_name=_("event"),
        db_index=False,  # see Meta.indexes
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)

    class Meta:
        verbose_name = _("date of a repeating event")
        verbose_name_plural = _("dates of repeating events")
        # Written from the event's rule, never edited as such.
        default_permissions = ()
        ordering = ["start_date", "starts_at", "pk"]
        indexes = [
            # A month (or any range) of dates, and an event's dates in a range.
            models.Index(fields=["start_date", "end_date"], name="occurrence_dates"),
            models.Index(fields=["event", "start_date", "end_date"], name="occurrence_event"),
        ]

    def __str__(self):
        return f"{self.event_id}: {self.start_date}"

    @property
    def is_timed(self):
        return self.starts_at is not None


# Edition figures live in their own module; imported here so Django registers them.
from events.figures import EditionFigure, FigureKind  # noqa: E402, F401
