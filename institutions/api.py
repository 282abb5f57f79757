"""The institution directory in the open-data API (``/api/v1/institutions/``); see
``portal.blocks.api``."""

from django.conf import settings
from django.db.models import Prefetch
from rest_framework import serializers

from institutions.filters import InstitutionFilter
from institutions.models import Discipline, Institution, shown_name
from portal.blocks.api import (
    DetailView,
    ImageField,
    LinkSerializer,
    ListView,
    PageUrlsField,
    TranslatedField,
)
from portal.blocks.caching import cached_page
from portal.blocks.images import IMAGE_FIELDS

# What a list reads: everything but the long description; of the city, what names it.
LIST_FIELDS = (
    *IMAGE_FIELDS,
    "slug",
    "kind",
    "name_ko",
    "name_en",
    "address_ko",
    "address_en",
    "summary_ko",
    "summary_en",
    "postal_code",
    "phone",
    "email",
    "homepage",
    "founded_year",
    "latitude",
    "longitude",
    "updated_at",
    "city",
    *(f"city__{field}" for field in ("slug", "name_ko", "name_en", "status", "publish_at")),
)


class InstitutionSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug")
    name = TranslatedField()
    disciplines = LinkSerializer(many=True)
    city = LinkSerializer(
        allow_null=True, help_text="null while the city is not public (not yet in the network)."
    )
    address = TranslatedField()
    phone = serializers.CharField(help_text="E.164, e.g. +82316456501; empty if none.")
    summary = TranslatedField()
    image = ImageField()
    url = PageUrlsField()
    updated = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "kind",
            "disciplines",
            "city",
            "address",
            "postal_code",
            "phone",
            "email",
            "homepage",
            "founded_year",
            "summary",
            "latitude",
            "longitude",
            "image",
            "url",
            "updated",
        ]


class InstitutionDetailSerializer(InstitutionSerializer):
    description = TranslatedField(help_text="Markdown.")

    class Meta(InstitutionSerializer.Meta):
        fields = [*InstitutionSerializer.Meta.fields, "description"]


def institutions():
    return (
        Institution.objects.published()
        .select_related("city")
        .prefetch_related(
            Prefetch("disciplines", queryset=Discipline.objects.only("slug", "name_ko", "name_en"))
        )
    )


@cached_page(
    params=[InstitutionFilter, "page", "page_size"],
    free_text=["q", "city"],
    depends_on=[Institution, Discipline, "m:cities.city"],
)
class InstitutionListView(ListView):
    """Published institutions, alphabetically by their Korean names; the directory's
    filters (``city`` takes a city's id or its name in either language)."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter

    def get_queryset(self):
        # In one language's order whatever the reader's, so one answer serves all.
        return institutions().only(*LIST_FIELDS).order_by(shown_name(settings.LANGUAGE_CODE), "pk")


@cached_page()
class InstitutionDetailView(DetailView):
    serializer_class = InstitutionDetailSerializer

    def get_queryset(self):
        return institutions()
