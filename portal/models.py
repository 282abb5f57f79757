from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.blocks.images import Illustrated
from portal.blocks.publishing import Publishable, PublishableQuerySet
from portal.blocks.reversing import reverse_slug


class NewsQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.defer("body", "body_ko", "body_en")

    def for_feed(self):
        """The columns the Atom feed shows, in one query: an entry without a summary
        shows its body, which ``for_listing`` leaves out (one more query per entry)."""
        return self.only(
            "slug",
            "date",
            "updated_at",
            "title_ko",
            "title_en",
            "summary_ko",
            "summary_en",
            "body_ko",
            "body_en",
        )


class News(Illustrated, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    date = models.DateField(
        _("date"),
        default=timezone.localdate,
        help_text=_("The date the news is about or was announced; lists are ordered by it."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    cities = models.ManyToManyField(
        "cities.City", verbose_name=_("related cities"), blank=True, related_name="news"
    )
    events = models.ManyToManyField(
        "events.Event", verbose_name=_("related events"), blank=True, related_name="news"
    )

    objects = NewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-date", "-pk"]
        permissions = [
            ("publish_content", _("Can publish, schedule and withdraw any content")),
        ]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse_slug("portal:news-detail", self.slug)


class PageQuerySet(PublishableQuerySet):
    def in_footer(self):
        """The published pages linked in the footer, in footer order."""
        return (
            self.published()
            .filter(in_footer=True)
            .only("slug", "title", "title_ko", "title_en", "status", "publish_at")
            .order_by("footer_order", "slug")
        )


class Page(Publishable):
    """A simple page staff edit: about the program, the network's objectives, use of the
    logo, the accessibility statement. Pages marked for the footer are linked there."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    in_footer = models.BooleanField(_("link in the footer"), default=True)
    footer_order = models.PositiveSmallIntegerField(_("footer order"), default=0)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["footer_order", "slug"]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse_slug("portal:page", self.slug)
