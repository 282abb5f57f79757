"""The document library: reports, publications, agreements, press kits, programmes and
journal issues the office publishes as files, each linked to the cities, events and news
it concerns.

The model lives in the site shell, which may name every app; the apps reach a city's or
an event's documents by the relation's name (``city.documents``, ``event.documents``),
so they never import this module (docs/decisions.md, "Document library").
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.blocks.document_files import DocumentFileField, DocumentFormat
from portal.blocks.gallery import Licence, licence_mark
from portal.blocks.publishing import Publishable, PublishableQuerySet
from portal.blocks.reversing import reverse_slug
from portal.blocks.text_search import SearchFields, matching


class DocumentKind(models.TextChoices):
    MONITORING_REPORT = "monitoring-report", _("Monitoring report")
    PUBLICATION = "publication", pgettext_lazy("document kind", "Publication")
    AGREEMENT = "agreement", _("Agreement")
    PROGRAMME = "programme", _("Programme")
    PRESS_KIT = "press-kit", _("Press kit")
    JOURNAL_ISSUE = "journal-issue", _("Journal issue")


class DocumentLanguage(models.TextChoices):
    """The language the document is written in, as an ISO 639 code (``hreflang``)."""

    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    SEVERAL = "mul", _("Korean and English")


# What a city profile and an event page list of the documents linked to them.
CITY_KINDS = (DocumentKind.MONITORING_REPORT, DocumentKind.AGREEMENT)
EVENT_KINDS = (DocumentKind.PROGRAMME, DocumentKind.PRESS_KIT)

# The columns a list shows: everything but the stamps.
LIST_FIELDS = (
    "slug",
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "kind",
    "language",
    "date",
    "licence",
    "file_format",
    "file_size",
    "status",
    "publish_at",
)


# What the list's search words are matched against (``portal.blocks.text_search``).
DOCUMENT_SEARCH = SearchFields(
    names=("title_ko", "title_en"),
    texts=("summary_ko", "summary_en"),
    choices=(("kind", lambda: DocumentKind.choices),),
)


class DocumentQuerySet(PublishableQuerySet):
    def search(self, text):
        """The documents ``text`` matches, as every list's search words match."""
        return matching(self, text, DOCUMENT_SEARCH)

    def for_listing(self):
        return self.only(*LIST_FIELDS).order_by("-date", "-pk")

    def for_city_profile(self):
        """A city's monitoring reports and agreements (``city.documents``)."""
        return self.filter(kind__in=CITY_KINDS).for_listing()

    def for_event_page(self):
        """An event's programmes and press kits (``event.documents``)."""
        return self.filter(kind__in=EVENT_KINDS).for_listing()


class Document(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The document's web-address name; also names the downloaded file's page."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    summary = models.CharField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences on what the document holds, shown in lists."),
    )
    language = models.CharField(
        _("language of the document"),
        max_length=3,
        choices=DocumentLanguage.choices,
        default=DocumentLanguage.KOREAN,
    )
    date = models.DateField(
        _("date"),
        default=timezone.localdate,
        help_text=_("The date of the document (published, signed or issued); lists use it."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=30,
        choices=Licence.choices,
        default=Licence.ALL_RIGHTS_RESERVED,
        help_text=_("The terms others may reuse the document under, as its owner gave them."),
    )
    file = DocumentFileField(
        _("file"),
        help_text=_(
            "PDF, or a .hwpx, .docx, .xlsx or .pptx document without macros. Older "
            ".hwp, .doc and .xls files are not accepted: save them as PDF or in the newer "
            "format first."
        ),
    )
    file_format = models.CharField(
        _("file format"), max_length=5, choices=DocumentFormat.choices, editable=False
    )
    file_size = models.PositiveBigIntegerField(_("file size"), default=0, editable=False)
    cities = models.ManyToManyField(
        "cities.City",
        verbose_name=_("related cities"),
        blank=True,
        related_name="documents",
        help_text=_("A city's profile lists its monitoring reports and agreements."),
    )
    events = models.ManyToManyField(
        "events.Event",
        verbose_name=_("related events"),
        blank=True,
        related_name="documents",
        help_text=_("An event's page lists its programmes and press kits."),
    )
    news = models.ManyToManyField(
        "portal.News",
        verbose_name=_("related news"),
        blank=True,
        related_name="documents",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["kind", "date"], name="portal_document_kind_date")]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse_slug("portal:document-file", self.slug)

    def licence_mark(self):
        return licence_mark(self.licence)

    @property
    def is_pdf(self):
        return self.file_format == DocumentFormat.PDF
