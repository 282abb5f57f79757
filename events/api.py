"""Events in the open-data API (``/api/v1/events/``); see ``portal.blocks.api``."""

from django.db.models import Prefetch
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.filters import EventFilter
from events.models import CARD_FIELDS, NAMED_FIELDS, Event
from events.views import EVENT_LISTS
from institutions.models import Institution
from portal.blocks.api import (
    LANGUAGES,
    PAGE_URLS_SCHEMA,
    DetailView,
    ImageField,
    LinkSerializer,
    ListView,
    PageUrlsField,
    TitledLinkSerializer,
    TranslatedField,
    absolute,
)
from portal.blocks.caching import cached_page, links
from portal.blocks.reversing import reverse_slug

# What a list reads: the card's columns and the rest but the long description.
LIST_FIELDS = (
    *CARD_FIELDS,
    "series",
    "edition",
    "parent",
    "attendance",
    "admission_free",
    "admission_ko",
    "admission_en",
    "registration_url",
    "language",
    "summary_ko",
    "summary_en",
    "updated_at",
    *(f"{relation}__{field}" for relation in ("venue", "city", "series") for field in NAMED_FIELDS),
    *(f"parent__{field}" for field in ("slug", "title_ko", "title_en", "status", "publish_at")),
)


@extend_schema_field(
    {**PAGE_URLS_SCHEMA, "description": "The event as an iCalendar file, in each language."}
)
class CalendarUrlsField(PageUrlsField):
    def to_representation(self, event):
        request = self.context["request"]
        urls = {}
        for language in LANGUAGES:
            with translation.override(language):
                urls[language] = absolute(request, reverse_slug("events:ics", event.slug))
        return urls


class EventSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug")
    title = TranslatedField()
    series = LinkSerializer(allow_null=True)
    part_of = TitledLinkSerializer(
        source="parent", allow_null=True, help_text="The event whose programme this is part of."
    )
    venue = LinkSerializer(allow_null=True, help_text="An institution of the directory.")
    place = TranslatedField(help_text="Where, when the venue is not in the directory.")
    city = LinkSerializer(allow_null=True)
    organisers = LinkSerializer(many=True)
    admission = TranslatedField()
    summary = TranslatedField()
    image = ImageField()
    url = PageUrlsField()
    calendar = CalendarUrlsField()
    updated = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "kind",
            "event_status",
            "series",
            "edition",
            "part_of",
            "all_day",
            "start_date",
            "end_date",
            "starts_at",
            "ends_at",
            "venue",
            "place",
            "city",
            "organisers",
            "attendance",
            "admission_free",
            "admission",
            "registration_url",
            "language",
            "summary",
            "image",
            "url",
            "calendar",
            "updated",
        ]
        extra_kwargs = {
            "start_date": {"help_text": "The first day (ISO 8601); null if not recorded."},
            "end_date": {"help_text": "The last day (ISO 8601)."},
            "starts_at": {"help_text": "For a timed event: its start, with its UTC offset."},
            "ends_at": {"help_text": "For a timed event: its end, with its UTC offset."},
        }


class EventDetailSerializer(EventSerializer):
    description = TranslatedField(help_text="Markdown.")

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "description"]


def events():
    # Built at each request: "published" is decided then, not when the module loaded.
    organisers = Institution.objects.published().only(
        "pk", "slug", "name_ko", "name_en", "status", "publish_at"
    )
    return (
        Event.objects.published()
        .select_related("venue", "city", "series", "parent")
        .prefetch_related(Prefetch("organisers", queryset=organisers))
    )


@cached_page(
    params=[EventFilter, "page", "page_size"],
    free_text=["q", "start", "end"],
    depends_on=EVENT_LISTS,
)
class EventListView(ListView):
    """Published events with the events page's filters: by default what is on now and
    next (``when=upcoming``), ``when=past`` or ``when=all`` for the rest; ``start`` and
    ``end`` (ISO dates) for the events on any day between them."""

    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        return events().only(*LIST_FIELDS)


# Organisers are linked to the event many-to-many: their publication changes it.
@cached_page(depends_on=[lambda view: [links(view.object)]])
class EventDetailView(DetailView):
    serializer_class = EventDetailSerializer

    def get_queryset(self):
        return events()
