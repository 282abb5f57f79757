from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.blocks.fields import DatePrecision, latitude_field, longitude_field, year_field
from portal.blocks.gallery import GalleryImage
from portal.blocks.images import IMAGE_FIELDS, Illustrated
from portal.blocks.publishing import Publishable, PublishableQuerySet
from portal.blocks.reversing import reverse_slug
from portal.blocks.text_search import SearchFields, matching


class CreativeField(models.TextChoices):
    CRAFTS_AND_FOLK_ART = "crafts", _("Crafts and Folk Art")
    DESIGN = "design", _("Design")
    FILM = "film", _("Film")
    GASTRONOMY = "gastronomy", _("Gastronomy")
    LITERATURE = "literature", _("Literature")
    MEDIA_ARTS = "media_arts", _("Media Arts")
    MUSIC = "music", _("Music")
    ARCHITECTURE = "architecture", _("Architecture")


class Region(models.TextChoices):
    """UNESCO's five electoral regions."""

    AFRICA = "africa", _("Africa")
    ARAB_STATES = "arab_states", _("Arab States")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE_NORTH_AMERICA = "europe_north_america", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")


def iso_partial_date(value, precision):
    """A date cut to what is known, for ``<time datetime>``: 2018, 2024-03, 2025-10-31."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _name_in(lang):
    """The city's name in ``lang``, falling back to the other language: most network
    cities have only an English name, and they must still sort among the Korean ones."""
    other = "en" if lang == "ko" else "ko"
    return Lower(
        Coalesce(NullIf(f"name_{lang}", Value("")), NullIf(f"name_{other}", Value("")), "slug")
    )


def _peers(country, creative_field):
    """Cities of one creative field in one country (values or expressions)."""
    return Q(country=country, creative_field=creative_field)


# What a map can place: both coordinates. A condition, so that the directory counts
# these with its other counts.
ON_MAP = Q(latitude__isnull=False, longitude__isnull=False)


def _country_choices():
    from django_countries import countries

    return list(countries)


# What a search reads of a city (``portal.blocks.text_search``).
CITY_SEARCH = SearchFields(
    names=("name_ko", "name_en", "slug"),
    texts=("summary_ko", "summary_en", "sub_disciplines_ko", "sub_disciplines_en"),
    long=("description_ko", "description_en"),
    choices=(
        ("creative_field", lambda: CreativeField.choices),
        ("country", _country_choices),
    ),
)


class CityQuerySet(PublishableQuerySet):
    def home(self):
        """The office's own city (at most one, by a database constraint)."""
        return self.filter(is_home=True)

    def home_with_partners_or_peers(self):
        """The home city and every city it has a published partnership with, on either
        side (``is_partner``), or, while it has none, its peers (``peers_of``), in one
        query (``is_home`` tells the home city apart): the home page reads them together,
        and a city new to the network still has its neighbours to show. Partners and
        peers only while the home city itself is public."""
        public_home = City.objects.published().home()
        home_pk = public_home.values("pk")
        partnered = Partnership.objects.published().filter(
            Q(city=OuterRef("pk"), partner__in=home_pk)
            | Q(partner=OuterRef("pk"), city__in=home_pk)
        )
        public = City.objects.published().values("pk")
        any_partner = Partnership.objects.published().filter(
            Q(city__in=home_pk, partner__in=public) | Q(partner__in=home_pk, city__in=public)
        )
        peer = _peers(
            Subquery(public_home.values("country")[:1]),
            Subquery(public_home.values("creative_field")[:1]),
        )
        return self.annotate(is_partner=Exists(partnered)).filter(
            Q(is_home=True) | Q(is_partner=True) | (peer & ~Exists(any_partner))
        )

    def peers_of(self, city):
        """The other cities of ``city``'s creative field in its country: what a page
        names beside a city that has no partnership to show yet."""
        return self.filter(_peers(city.country, city.creative_field)).exclude(pk=city.pk)

    def by_name(self, lang=None):
        """Alphabetical in the page's language. Cities named in that language come
        first (in Korean: 가나다 order, then the cities known only by their English
        name, A to Z), so a reader finds the names in their own script together."""
        lang = (lang or get_language() or "ko").split("-")[0]
        own_name = f"name_{lang}"
        return self.alias(
            untranslated=Case(
                When(Q(**{f"{own_name}__isnull": True}) | Q(**{own_name: ""}), then=1),
                default=0,
                output_field=models.IntegerField(),
            ),
            sort_name=_name_in(lang),
        ).order_by("untranslated", "sort_name", "slug")

    def for_listing(self):
        """Only the columns a directory card shows: no description or contact."""
        return self.only(
            *IMAGE_FIELDS,
            "slug",
            "name",
            "summary",
            "country",
            "region",
            "creative_field",
            "designation_year",
            "is_home",
        )

    def search(self, text):
        """The cities ``text`` matches (``portal.blocks.text_search``, ``CITY_SEARCH``)."""
        return matching(self, text, CITY_SEARCH)

    def on_map(self):
        """Those a map can place (``ON_MAP``)."""
        return self.filter(ON_MAP)

    def countries(self):
        """The ISO codes of the countries these cities are in, each once."""
        return self.order_by().values_list("country", flat=True).distinct()


class City(Illustrated, Publishable):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_(
            "The city's part of its web address, e.g. cheongju. Letters, numbers, hyphens."
        ),
    )
    country = CountryField(_("country"))
    region = models.CharField(_("UNESCO region"), max_length=30, choices=Region.choices)
    creative_field = models.CharField(
        _("creative field"), max_length=20, choices=CreativeField.choices
    )
    designation_year = year_field(
        _("year of designation"), help_text=_("The year UNESCO designated the city.")
    )
    sub_disciplines = models.CharField(
        _("sub-disciplines"),
        max_length=300,
        blank=True,
        help_text=_(
            "The crafts, arts or practices the city works on within its creative field, "
            "as a short list (for Crafts and Folk Art: ceramics, hanji, lacquer)."
        ),
    )
    previous_field = models.CharField(
        _("previous creative field"),
        max_length=20,
        choices=CreativeField.choices,
        blank=True,
        help_text=_("Only for a city that changed field (Lyon: Media Arts, then Literature)."),
    )
    field_changed_year = year_field(_("year the field changed"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for lists and search results."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    website = models.URLField(_("website"), blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    focal_point = models.CharField(
        _("focal point (office)"),
        max_length=200,
        blank=True,
        help_text=_("The office or role that is the network focal point, not a person's name."),
    )
    contact_email = models.EmailField(
        _("public contact e-mail"),
        blank=True,
        help_text=_("An office address that may be published, never a private one."),
    )
    confirmed_by_city = models.DateField(
        _("confirmed by the city"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the city itself last confirmed or corrected this profile, through a "
            "link the office sent it (set when its proposal is accepted)."
        ),
    )
    is_home = models.BooleanField(
        _("home city"),
        default=False,
        help_text=_("The city this portal belongs to. Only one city can be the home city."),
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"],
                condition=Q(is_home=True),
                name="at_most_one_home_city",
                violation_error_message=_("Another city is already the home city."),
            ),
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse_slug("cities:detail", self.slug)

    def clean(self):
        super().clean()
        if self.is_home:
            # Checked here, on the field, so the admin shows which city holds the flag
            # instead of the generic constraint message (or an IntegrityError).
            current = City.objects.home().exclude(pk=self.pk).first()
            if current is not None:
                raise ValidationError(
                    {
                        "is_home": _(
                            "%(city)s is already the home city. Untick it there first, or use the "
                            'action "Make this the home city" in the city list.'
                        )
                        % {"city": current}
                    }
                )
        if self.previous_field and self.previous_field == self.creative_field:
            raise ValidationError(
                {"previous_field": _("The previous field must differ from the current one.")}
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    @transaction.atomic
    def make_home(self):
        """Move the home flag to this city. The old home city is unset first (and both
        saved one by one, so the edit history records the change)."""
        for other in City.objects.select_for_update().home().exclude(pk=self.pk):
            other.is_home = False
            other._change_reason = gettext_noop("home city moved")  # shown translated
            other.save()
        if not self.is_home:
            self.is_home = True
            self._change_reason = gettext_noop("made the home city")
            self.save()


class PartnershipKind(models.TextChoices):
    SISTER_CITY = "sister_city", _("Sister city")
    MOU = "mou", _("Memorandum of understanding")
    JOINT_PROJECT = "joint_project", _("Joint project")
    EXCHANGE_VISIT = "exchange_visit", _("Exchange visit")
    WORKING_GROUP = "working_group", _("Network working group")


# What a link to a city shows: its name in either language.
CITY_NAME_FIELDS = ("id", "slug", "name", "name_ko", "name_en")


class PartnershipQuerySet(PublishableQuerySet):
    def involving(self, city):
        """Partnerships where ``city`` is either side, with both cities loaded; only those
        whose other city is public too, so a draft city's name never shows."""
        public_cities = City.objects.published().values("pk")
        return (
            self.filter(Q(city=city) | Q(partner=city))
            .filter(
                city__in=public_cities,
                partner__in=public_cities,
            )
            .select_related("city", "partner")
            .defer(
                # Of each city, only what names and links it (a profile lists dozens).
                *(
                    f"{side}__{field.name}"
                    for side in ("city", "partner")
                    for field in City._meta.concrete_fields
                    # is_home: a profile tells the partnerships with the home city apart.
                    if field.name not in (*CITY_NAME_FIELDS, "is_home")
                )
            )
        )


class Partnership(Publishable):
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="partnerships",
        help_text=_("Usually the home city."),
    )
    partner = models.ForeignKey(
        City,
        verbose_name=_("partner city"),
        on_delete=models.PROTECT,
        related_name="partnerships_as_partner",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PartnershipKind.choices)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(
        _("start"),
        null=True,
        blank=True,
        help_text=_(
            "If only the month or year is known, enter its first day and set the precision."
        ),
    )
    start_precision = models.CharField(
        _("start precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(
        _("end precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    link = models.URLField(_("link"), blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="partnership_ends_after_it_starts",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(city=F("partner")),
                name="partnership_between_two_cities",
                violation_error_message=_("A city cannot be its own partner."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        if self.city_id and self.city_id == self.partner_id:
            errors["partner"] = _("A city cannot be its own partner.")
        if errors:
            raise ValidationError(errors)

    def other_city(self, city):
        """The city on the other side of this partnership from ``city``."""
        return self.partner if self.city_id == city.pk else self.city

    @property
    def start_iso(self):
        return iso_partial_date(self.start_date, self.start_precision)

    @property
    def end_iso(self):
        return iso_partial_date(self.end_date, self.end_precision)


class Milestone(Publishable):
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="milestones"
    )
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "pk"]

    def __str__(self):
        return self.title

    @property
    def date_iso(self):
        return iso_partial_date(self.date, self.date_precision)


class CityImage(GalleryImage):
    """One image of a city's gallery, shown on its page."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="gallery", verbose_name=_("city")
    )

    class Meta(GalleryImage.Meta):
        verbose_name = _("city gallery image")
        verbose_name_plural = _("city gallery images")


# A partner city's corrections to its own profile, by invitation (their own module).
from cities.correction_models import (  # noqa: E402, F401
    InvitationEvent,
    ProfileInvitation,
    ProfileProposal,
)
