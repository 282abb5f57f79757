"""The document library's public pages: the list (``/<lang>/documents/`` with ``kind``,
``city``, ``year``, ``q``, ``page``) and each document's file, served only while it
is published (staff may open drafts)."""

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views import View

from cities.filters import CityByNameForm
from cities.filters import city_suggestions as cities_named
from cities.models import City
from portal.blocks.caching import cached_page
from portal.blocks.document_files import document_response
from portal.blocks.listing import FilteredListView
from portal.blocks.suggestions import SuggestionsView
from portal.blocks.translation_status import localized
from portal.blocks.widgets import QuickSelect, SuggestedText
from portal.documents import Document, DocumentKind


def city_suggestions():
    """The city field's suggestions: the published cities that have a published
    document."""
    links = Document.cities.through.objects.filter(
        city_id=OuterRef("pk"), document__in=Document.objects.published().values("pk")
    )
    return cities_named(City.objects.published().filter(Exists(links)))


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # "2023.5" is an error, not a query


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Title or summary contains"),
        method="filter_text",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        widget=QuickSelect,
        choices=DocumentKind.choices,
        label=_("Kind"),
        empty_label=_("All kinds"),
    )
    # A text field with suggestions, not a select: the network has hundreds of cities.
    city = django_filters.CharFilter(
        label=_("City"),
        method="filter_city",
        max_length=120,
        validators=[
            RegexValidator(
                r"^[^<>{}]*$", _("Enter a city name or its web-address name, e.g. icheon.")
            )
        ],
        widget=SuggestedText("portal:document-city-suggestions"),
        help_text=_("A city's name, in Korean or English."),
    )
    year = YearFilter(
        label=_("Year"),
        field_name="date",
        lookup_expr="year",
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        widget=forms.NumberInput(attrs={"min": 1900, "max": 2100, "inputmode": "numeric"}),
    )

    class Meta:
        model = Document
        fields = []
        form = CityByNameForm

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_city(self, queryset, name, value):
        if not value.strip():
            return queryset
        links = Document.cities.through.objects.filter(city_id__in=self.form.city_ids)
        return queryset.filter(pk__in=links.values("document_id"))


@cached_page(
    params=[DocumentFilter, "page"],
    free_text=["q", "city", "year"],
    depends_on=[Document, "m:cities.city"],
)
class DocumentListView(FilteredListView):
    filterset_class = DocumentFilter
    template_name = "portal/document_list.html"

    def get_queryset(self):
        return Document.objects.published().for_listing()


# The library's city suggestions: the cities that have a published document.
@cached_page(depends_on=[Document, "m:cities.city"])
class DocumentCitySuggestionsView(SuggestionsView):
    suggestions = staticmethod(city_suggestions)


class DocumentFileView(View):
    """The stored file of a published document (staff: any document), with a content
    type from its checked format. Not kept by the page cache (files are large); the
    response is ``private`` for a preview, so no shared cache keeps a draft."""

    def get(self, request, slug):
        document = get_object_or_404(
            Document.objects.previewable_by(request.user).only(
                "slug", "title_ko", "title_en", "file", "file_format", "status", "publish_at"
            ),
            slug=slug,
        )
        if not document.file:
            raise Http404
        try:
            response = document_response(
                document.file, document.file_format, localized(document, "title").text
            )
        except (OSError, ValueError) as error:  # missing from storage, or no format
            raise Http404 from error
        if document.is_live:
            patch_cache_control(response, public=True, max_age=300)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response
