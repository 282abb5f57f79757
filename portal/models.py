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
from portal.blocks.gallery import GalleryImage, Licence
from portal.blocks.images import Illustrated, SafeImageField
from portal.blocks.pending_imports import PendingImport  # noqa: F401  (registers the model)
from portal.blocks.publishing import Publishable, PublishableQuerySet
from portal.blocks.reversing import reverse_slug
from portal.blocks.revisions import Revision  # noqa: F401  (registers the model)
from portal.blocks.text_search import SearchFields, matching
from portal.blocks.translation_status import LocalizedText, localized
from portal.documents import Document  # noqa: F401  (registers the model)

# What a search reads of a news item and of a page (``portal.blocks.text_search``).
NEWS_SEARCH = SearchFields(
    names=("title_ko", "title_en"),
    texts=("summary_ko", "summary_en"),
    long=("body_ko", "body_en"),
)
PAGE_SEARCH = SearchFields(names=("title_ko", "title_en"), long=("body_ko", "body_en"))


class NewsQuerySet(PublishableQuerySet):
    def search(self, text):
        return matching(self, text, NEWS_SEARCH)

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
    def search(self, text):
        return matching(self, text, PAGE_SEARCH)

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


# What the office may publish its own data under: the KOGL types and the open Creative
# Commons licences (not "all rights reserved": that is not open data).
OPEN_DATA_LICENCES = (
    Licence.KOGL_1,
    Licence.KOGL_2,
    Licence.KOGL_3,
    Licence.KOGL_4,
    Licence.CC_BY,
    Licence.CC_BY_SA,
)


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
    open_data_licence = models.CharField(
        _("open data licence"),
        max_length=20,
        choices=[(licence.value, licence.label) for licence in OPEN_DATA_LICENCES],
        default=Licence.KOGL_1,
        help_text=_(
            "The licence of the site's open data downloads (events, institutions, cities) "
            "and its API. Korean public bodies usually publish under KOGL Type 1."
        ),
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


class ReportSource(models.TextChoices):
    """What the portal drafts a report section from (portal.reports)."""

    NONE = "none", _("Nothing: the office's text only")
    PROFILE = "profile", _("The city's profile and its institutions")
    NETWORK = "network", _("Network meetings and working groups")
    LOCAL = "local", _("Events held in the city and the institutions involved")
    COOPERATION = "cooperation", _("Partnerships, exchange visits and joint events")
    MILESTONES = "milestones", _("Milestones")


class GuidelineSection(models.Model):
    """A section UNESCO's Membership Monitoring Report guidelines ask for. The office
    edits this list when UNESCO revises the guidelines; a new report copies it."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(
        _("guidance"),
        blank=True,
        help_text=_("What the guidelines ask this section to say, shown to the writers."),
    )
    source = models.CharField(
        _("drafted from"),
        max_length=20,
        choices=ReportSource.choices,
        default=ReportSource.NONE,
        help_text=_("The portal's records this section's facts are drafted from."),
    )

    class Meta:
        verbose_name = _("report guideline section")
        verbose_name_plural = _("report guideline sections")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    FINISHED = "finished", _("Finished")


class MonitoringReport(models.Model):
    """A city's Membership Monitoring Report for one four-year period, drafted from the
    portal's records of that period (portal.reports) and written by the office."""

    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
    )
    due_year = models.PositiveSmallIntegerField(
        _("due in"), help_text=_("The year the report is due: every four years after designation.")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("The report's own title, if not “Membership Monitoring Report <year>”."),
    )
    report_status = models.CharField(
        _("state"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    drafted_at = models.DateTimeField(_("facts drafted"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-due_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "due_year"],
                name="one_monitoring_report_per_city_and_year",
                violation_error_message=_("This city already has a report due that year."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=F("period_start")),
                name="monitoring_report_period_ends_after_it_starts",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title or _("Membership Monitoring Report %(year)s") % {"year": self.due_year}

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


class ReportSection(models.Model):
    """One section of a report: the facts the portal drafted (each naming the record it
    came from) and the office's own text in Korean and English."""

    report = models.ForeignKey(
        MonitoringReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True)
    source = models.CharField(
        _("drafted from"), max_length=20, choices=ReportSource.choices, default=ReportSource.NONE
    )
    # [{"ko": …, "en": …, "record": "app.model:pk" or "", "list": "app.model?query"}]
    facts = models.JSONField(_("drafted facts"), default=list, blank=True, editable=False)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("The office's own text. Paragraphs separated by an empty line."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title
