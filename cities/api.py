"""The network's cities and partnerships in the open-data API (``/api/v1/cities/``,
``/api/v1/partnerships/``); see ``portal.blocks.api``."""

import django_filters
from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cities.filters import CityFilter
from cities.models import CITY_NAME_FIELDS, City, Partnership, PartnershipKind
from events.models import Event
from portal.blocks.api import (
    DetailView,
    ImageField,
    LinkSerializer,
    ListView,
    PageUrlsField,
    TitledLinkSerializer,
    TranslatedField,
)
from portal.blocks.caching import cached_page
from portal.blocks.images import IMAGE_FIELDS


def translated(*names):
    return [f"{name}_{language}" for name in names for language in ("ko", "en")]


# What a list reads: everything but the long description.
CITY_LIST_FIELDS = (
    *IMAGE_FIELDS,
    "slug",
    *translated("name", "summary", "sub_disciplines", "focal_point"),
    "country",
    "region",
    "creative_field",
    "previous_field",
    "field_changed_year",
    "designation_year",
    "population",
    "website",
    "contact_email",
    "latitude",
    "longitude",
    "is_home",
    "updated_at",
)


class CitySerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug")
    name = TranslatedField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2.")
    summary = TranslatedField()
    sub_disciplines = TranslatedField()
    focal_point = TranslatedField()
    image = ImageField()
    url = PageUrlsField()
    updated = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = City
        fields = [
            "id",
            "name",
            "country",
            "region",
            "creative_field",
            "previous_field",
            "field_changed_year",
            "designation_year",
            "is_home",
            "population",
            "summary",
            "sub_disciplines",
            "focal_point",
            "contact_email",
            "website",
            "latitude",
            "longitude",
            "image",
            "url",
            "updated",
        ]


class CityDetailSerializer(CitySerializer):
    description = TranslatedField(help_text="Markdown.")

    class Meta(CitySerializer.Meta):
        fields = [*CitySerializer.Meta.fields, "description"]


@cached_page(params=[CityFilter, "page", "page_size"], free_text=["q", "year"], depends_on=[City])
class CityListView(ListView):
    """Published cities of the network, alphabetically (by their Korean names, then
    those known only in English); the network directory's filters."""

    serializer_class = CitySerializer
    filterset_class = CityFilter

    def get_queryset(self):
        return City.objects.published().only(*CITY_LIST_FIELDS).by_name(settings.LANGUAGE_CODE)


@cached_page()
class CityDetailView(DetailView):
    serializer_class = CityDetailSerializer

    def get_queryset(self):
        return City.objects.published()


class PartnershipFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        queryset=lambda request: City.objects.published().only("pk", "slug"),
        to_field_name="slug",
        method="filter_city",
        help_text=_("A city's id: its partnerships, on either side."),
        error_messages={"invalid_choice": _("There is no city with this id in the network.")},
    )
    kind = django_filters.ChoiceFilter(choices=PartnershipKind.choices, label=_("Kind"))

    class Meta:
        model = Partnership
        fields = []

    def filter_city(self, queryset, name, value):
        return queryset.filter(Q(city=value) | Q(partner=value))


class PartnershipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        source="pk", help_text="A number: partnerships have no page of their own."
    )
    title = TranslatedField()
    city = LinkSerializer()
    partner = LinkSerializer()
    start = serializers.CharField(
        source="start_iso",
        help_text="ISO 8601, as precise as known: 2018, 2024-03 or 2025-10-31; empty if unknown.",
    )
    end = serializers.CharField(source="end_iso", help_text="As start.")
    description = TranslatedField(help_text="Markdown.")
    events = TitledLinkSerializer(many=True, help_text="The published events that came out of it.")
    updated = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Partnership
        fields = [
            "id",
            "kind",
            "title",
            "city",
            "partner",
            "start",
            "end",
            "description",
            "link",
            "events",
            "updated",
        ]


class PartnershipsMixin:
    serializer_class = PartnershipSerializer

    def get_queryset(self):
        # Only while both cities are public, as on the cities' profiles.
        public = City.objects.published().values("pk")
        return (
            Partnership.objects.published()
            .filter(city__in=public, partner__in=public)
            .select_related("city", "partner")
            .only(
                "pk",
                "kind",
                *translated("title", "description"),
                "start_date",
                "start_precision",
                "end_date",
                "end_precision",
                "link",
                "updated_at",
                "city",
                "partner",
                *(f"{side}__{field}" for side in ("city", "partner") for field in CITY_NAME_FIELDS),
                *(f"{side}__{field}" for side in ("city", "partner") for field in ("status",)),
                "city__publish_at",
                "partner__publish_at",
            )
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=Event.objects.published().only(
                        "pk", "slug", "title_ko", "title_en", "status", "publish_at"
                    ),
                )
            )
        )


PARTNERSHIP_LISTS = [Partnership, "m:cities.city", "m:events.event"]


@cached_page(params=[PartnershipFilter, "page", "page_size"], depends_on=PARTNERSHIP_LISTS)
class PartnershipListView(PartnershipsMixin, ListView):
    """Published partnerships between two public cities, the latest first."""

    filterset_class = PartnershipFilter


@cached_page(depends_on=PARTNERSHIP_LISTS)
class PartnershipDetailView(PartnershipsMixin, DetailView):
    lookup_field = "pk"
    lookup_url_kwarg = "id"
