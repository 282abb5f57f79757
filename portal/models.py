from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from institutions.contact import map_links, readable_phone
from portal.blocks.gallery import GalleryImage
from portal.blocks.images import Illustrated, SafeImageField
from portal.blocks.pending_imports import PendingImport  # noqa: F401  (registers the model)
from portal.blocks.publishing import Publishable, PublishableQuerySet
from portal.blocks.reversing import reverse_slug
from portal.blocks.revisions import Revision  # noqa: F401  (registers the model)
from portal.blocks.translation_status import LocalizedText, localized
from portal.documents import Document  # noqa: F401  (registers the model)


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


# --- The site's identity ---------------------------------------------------------

# The one row of SiteIdentity: its primary key is fixed, so a second row cannot exist.
IDENTITY_PK = 1

https_only = URLValidator(
    schemes=["https"], message=_("Use a secure address that starts with https://.")
)


class SiteIdentityQuerySet(models.QuerySet):
    def current(self):
        """The site's identity with its social links (``.links``), in one query: the
        header and footer of every page read it, so it costs one query, not two, when
        they are made. Before the office saves one, an unsaved identity whose every
        field is empty, so that pages show the defaults."""
        rows = list(
            self.filter(pk=IDENTITY_PK)
            # One row per link (a LEFT JOIN: one row with no link when there is none).
            .annotate(
                link_pk=F("social_links__pk"),
                link_url=F("social_links__url"),
                link_network_ko=F("social_links__network_ko"),
                link_network_en=F("social_links__network_en"),
            )
            .order_by("social_links__order", "social_links__pk")
        )
        if not rows:
            identity = SiteIdentity()
            identity.links = []
            return identity
        identity = rows[0]
        identity.links = [
            SocialLink(
                pk=row.link_pk,
                identity_id=identity.pk,
                url=row.link_url,
                network_ko=row.link_network_ko,
                network_en=row.link_network_en,
            )
            for row in rows
            if row.link_pk is not None
        ]
        return identity


def _logo_alt(verbose_name):
    return models.CharField(
        verbose_name,
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )


def _logo(verbose_name, prefix, help_text):
    return SafeImageField(
        verbose_name,
        blank=True,
        width_field=f"{prefix}_width",
        height_field=f"{prefix}_height",
        help_text=help_text,
    )


class SiteIdentity(models.Model):
    """Who runs the site and how to reach them: the name in the header and every page's
    title, the logos, the official-site banner, and the contact details of the footer
    and the contact page. One record (``IDENTITY_PK``); until it is saved the site
    shows its defaults."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=IDENTITY_PK, editable=False)
    site_name = models.CharField(
        _("site name"),
        max_length=150,
        blank=True,
        help_text=_(
            "Shown in the header and in every page's title, e.g. “Icheon UNESCO Creative "
            "City of Crafts and Folk Art”. Empty: “Creative City Portal”."
        ),
    )
    office_name = models.CharField(
        _("office"),
        max_length=200,
        blank=True,
        help_text=_("The office that runs the site, as the footer and the contact page name it."),
    )
    is_government_site = models.BooleanField(
        _("official government website"),
        default=False,
        help_text=_(
            "Shows the official-website banner at the top of every page and the operator "
            "line at the foot, as the Korea Design System asks of government websites. "
            "Only for a site run by a Korean government body, such as a city hall."
        ),
    )
    government_url = models.URLField(
        _("city government website"),
        blank=True,
        validators=[https_only],
        help_text=_(
            "The main website of the city government (usually a go.kr address), where "
            "visitors can confirm that this site is official."
        ),
    )
    office_logo = _logo(
        _("office logo"),
        "office_logo",
        _("Shown at the left of the header. JPEG, PNG or WebP, up to 10 MB."),
    )
    office_logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    office_logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    office_logo_alt = _logo_alt(_("office logo description (alt text)"))
    emblem = _logo(
        _("city emblem"),
        "emblem",
        _("Shown in the footer. JPEG, PNG or WebP, up to 10 MB."),
    )
    emblem_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    emblem_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    emblem_alt = _logo_alt(_("city emblem description (alt text)"))
    unesco_logo = _logo(
        _("UNESCO Creative City logo"),
        "unesco_logo",
        _(
            "The logo UNESCO gave the city with its designation, shown in the footer. "
            "Upload it only as UNESCO allows the city to use it."
        ),
    )
    unesco_logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    unesco_logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    unesco_logo_alt = _logo_alt(_("UNESCO logo description (alt text)"))
    address = models.CharField(_("postal address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    phone = PhoneNumberField(
        _("phone"),
        blank=True,
        help_text=_("With the country code if outside Korea, e.g. +82 31-645-6501."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(
        _("opening hours"),
        max_length=300,
        blank=True,
        help_text=_("e.g. “Weekdays 9:00–18:00, closed on public holidays”."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SiteIdentityQuerySet.as_manager()

    IMAGES = (
        ("office_logo", "office_logo_alt"),
        ("emblem", "emblem_alt"),
        ("unesco_logo", "unesco_logo_alt"),
    )

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=IDENTITY_PK), name="site_identity_single")
        ]

    def __str__(self):
        return self.site_name or str(_("Site identity"))

    def get_absolute_url(self):
        return reverse("portal:contact")

    def clean(self):
        super().clean()
        errors = {}
        for image, alt in self.IMAGES:
            if not getattr(self, image):
                continue
            for code, _name in settings.LANGUAGES:
                name = f"{alt}_{code}"
                if not (getattr(self, name) or "").strip():
                    errors[name] = _("Describe the image for people who cannot see it.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self):
        """The site's name in the page's language (the other language's when it has
        none; the project's own name before the office gives one), with its language."""
        name = localized(self, "site_name")
        return name if name else LocalizedText(str(_("Creative City Portal")), name.lang, False)

    @property
    def phone_display(self):
        return readable_phone(self.phone)

    @property
    def map_links(self):
        """The "open in map" links for the office's address (none without an address)."""
        address = localized(self, "address").text
        if not address:
            return []
        return map_links(name=localized(self, "office_name").text, address=address)

    @property
    def has_contact(self):
        return bool(self.address or self.phone or self.email or self.hours)


class SocialLink(models.Model):
    """One of the office's social media accounts, listed in the footer and on the
    contact page in this order."""

    identity = models.ForeignKey(
        SiteIdentity,
        on_delete=models.CASCADE,
        related_name="social_links",
        verbose_name=_("site identity"),
    )
    network = models.CharField(
        _("network"),
        max_length=50,
        help_text=_("As visitors know it, e.g. Instagram, YouTube, Naver Blog."),
    )
    url = models.URLField(_("address"), max_length=300, validators=[https_only])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("social media link")
        verbose_name_plural = _("social media links")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.network or self.url


class NewsImage(GalleryImage):
    """One image of a news item's gallery, shown on its page."""

    news = models.ForeignKey(
        News, on_delete=models.CASCADE, related_name="gallery", verbose_name=_("news item")
    )

    class Meta(GalleryImage.Meta):
        verbose_name = _("news gallery image")
        verbose_name_plural = _("news gallery images")
