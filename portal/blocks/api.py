"""The open-data API's building blocks (Django REST framework, drf-spectacular).

Each app's ``api.py`` describes its records with the fields here and lists them with
``ListView`` and ``DetailView``; the shell (``portal.api``) gathers them under
``/api/v1/``. What every record says the same way:

- a person-facing text in every language: ``{"ko": "…", "en": "…"}`` (``null`` where
  it is not written), never one language chosen for the reader;
- its public pages, absolute, in every language (``PageUrlsField``);
- its image as stored, with its renditions (``ImageField``);
- the records it points at as ``{"id": slug, "name": {…}}``, or ``null`` while they are
  not public (``if_public``, as the pages do).

Responses do not depend on the reader's language (lists are sorted in the site's
default language), so that one stored answer serves everyone; only error messages are
translated.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from portal.blocks.images import rendition_height, rendition_name, rendition_widths
from portal.blocks.pagination import KeysFirstPaginator
from portal.blocks.publishing import if_public

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _per_language(schema, description):
    return {
        "type": "object",
        "description": description,
        "properties": dict.fromkeys(LANGUAGES, schema),
        "required": list(LANGUAGES),
    }


TRANSLATED_SCHEMA = _per_language(
    {"type": "string", "nullable": True}, "The text in each language; null where not written."
)
PAGE_URLS_SCHEMA = _per_language(
    {"type": "string", "format": "uri"}, "The record's public page in each language."
)
IMAGE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "The image as stored (metadata removed) and its WebP renditions.",
    "properties": {
        "url": {"type": "string", "format": "uri"},
        "width": {"type": "integer", "nullable": True},
        "height": {"type": "integer", "nullable": True},
        "alt": TRANSLATED_SCHEMA,
        "renditions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "url": {"type": "string", "format": "uri"},
                    "width": {"type": "integer"},
                    "height": {"type": "integer"},
                },
                "required": ["url", "width", "height"],
            },
        },
    },
    "required": ["url", "width", "height", "alt", "renditions"],
}


def absolute(request, address):
    """``address`` (a path, or a storage's full URL) as an absolute URL."""
    return request.build_absolute_uri(address)


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """A translated model field (``name`` → ``name_ko``, ``name_en``) in every language."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return {
            language: getattr(instance, f"{self.source}_{language}", None) or None
            for language in LANGUAGES
        }

    def to_representation(self, value):
        return value


@extend_schema_field(PAGE_URLS_SCHEMA)
class PageUrlsField(serializers.Field):
    """The absolute address of the record's public page (``get_absolute_url``) in every
    language."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        request = self.context["request"]
        urls = {}
        for language in LANGUAGES:
            with translation.override(language):
                urls[language] = absolute(request, record.get_absolute_url())
        return urls


@extend_schema_field(IMAGE_SCHEMA)
class ImageField(serializers.Field):
    """An ``Illustrated`` record's image, named from its stored size without opening
    the file (as the pages do); null when it has none."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        image = record.image
        if not image:
            return None
        request = self.context["request"]
        width, height = record.image_width, record.image_height
        storage = image.storage
        return {
            "url": absolute(request, storage.url(image.name)),
            "width": width,
            "height": height,
            "alt": {
                language: getattr(record, f"image_alt_{language}", None) or None
                for language in LANGUAGES
            },
            "renditions": [
                {
                    "url": absolute(request, storage.url(rendition_name(image.name, each))),
                    "width": each,
                    "height": rendition_height(width, height, each),
                }
                for each in rendition_widths(width)
            ]
            if height
            else [],
        }


class LinkSerializer(serializers.Serializer):
    """A record another one points at: its id (slug) and name."""

    id = serializers.SlugField(source="slug")
    name = TranslatedField()

    def to_representation(self, instance):
        # A draft or scheduled record is not named, whatever points at it.
        if hasattr(instance, "is_live") and if_public(instance) is None:
            return None
        return super().to_representation(instance)


class TitledLinkSerializer(LinkSerializer):
    """A linked record that has a title rather than a name (an event)."""

    name = None
    title = TranslatedField()


class Pagination(PageNumberPagination):
    """Numbered pages: ``count``, ``next``, ``previous`` and ``results``. ``page_size``
    is bounded; a bad one is an error, not silently another page (each value would be
    another stored answer). Links are made from the query string as the page cache
    normalised it, so a stored page never repeats what one visitor added to it."""

    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"
    django_paginator_class = KeysFirstPaginator

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "").strip()
        if not value:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(value)

    def link(self, number):
        query = self.request.GET.copy()
        if number == 1:
            query.pop(self.page_query_param, None)
        else:
            query[self.page_query_param] = str(number)
        address = absolute(self.request, self.request.path)
        # In the page cache's order, whether or not it normalised this request.
        return f"{address}?{urlencode(sorted(query.items()))}" if query else address

    def get_next_link(self):
        return self.link(self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self):
        return self.link(self.page.previous_page_number()) if self.page.has_previous() else None


class ListView(generics.ListAPIView):
    """A list: the app's own FilterSet (``filterset_class``), as its list page uses it;
    invalid values are a 400 with the errors by parameter (DjangoFilterBackend raises
    them), never an empty list that looks like an answer."""

    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination
    filterset_class = None


class DetailView(generics.RetrieveAPIView):
    lookup_field = "slug"
    lookup_url_kwarg = "id"
    object = None

    def get_object(self):
        # Kept, for the page cache's ``depends_on`` (``links(view.object)``).
        self.object = super().get_object()
        return self.object
