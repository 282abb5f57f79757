"""The open-data API, ``/api/v1/``: read-only JSON of what the public pages show
(cities, partnerships, institutions, events, news), its OpenAPI document and its
documentation page. The apps describe their records in their own ``api.py``; news,
which is the shell's, is here; ``portal.api_urls`` gives them their addresses (README
"Open data API" lists them)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import TemplateView
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cities.models import City
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
from portal.blocks.caching import cached_page, links
from portal.models import News


class NewsSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug")
    title = TranslatedField()
    summary = TranslatedField()
    image = ImageField()
    url = PageUrlsField()
    updated = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = News
        fields = ["id", "title", "date", "summary", "image", "url", "updated"]


class NewsDetailSerializer(NewsSerializer):
    body = TranslatedField(help_text="Markdown.")
    cities = LinkSerializer(many=True, help_text="The related cities that are public.")
    events = TitledLinkSerializer(many=True, help_text="The related events that are public.")

    class Meta(NewsSerializer.Meta):
        fields = [*NewsSerializer.Meta.fields, "body", "cities", "events"]


@cached_page(params=["page", "page_size"], depends_on=[News])
class NewsListView(ListView):
    """Published news, the latest first."""

    serializer_class = NewsSerializer

    def get_queryset(self):
        return News.objects.published().defer("body", "body_ko", "body_en")


# The related cities and events are linked many-to-many: their publication changes it.
@cached_page(depends_on=[lambda view: [links(view.object)]])
class NewsDetailView(DetailView):
    serializer_class = NewsDetailSerializer

    def get_queryset(self):
        return News.objects.published().prefetch_related(
            Prefetch(
                "cities",
                queryset=City.objects.published().only(
                    "slug", "name_ko", "name_en", "status", "publish_at"
                ),
            ),
            Prefetch(
                "events",
                queryset=Event.objects.published().only(
                    "slug", "title_ko", "title_en", "status", "publish_at"
                ),
            ),
        )


# The addresses the root lists, by their URL names.
ROOT_LINKS = ("cities", "partnerships", "institutions", "events", "news", "schema", "docs")


@cached_page()
class RootView(APIView):
    """Where each list is, and the API's description."""

    @extend_schema(
        responses=inline_serializer("Root", {name: serializers.URLField() for name in ROOT_LINKS})
    )
    def get(self, request):
        return Response(
            {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in ROOT_LINKS}
        )


@cached_page()
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document, as JSON."""

    renderer_classes = [OpenApiJsonRenderer]


@cached_page()
class DocsView(TemplateView):
    """Swagger UI, from its vendored files (static/vendor/swagger-ui/) and a script of
    ours that starts it: no inline script or style, so it runs under the site's CSP."""

    template_name = "portal/api_docs.html"
