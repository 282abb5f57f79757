from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Prefetch, ProtectedError, Q
from django.db.models.functions import Coalesce, NullIf
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from cities.models import City
from institutions.contact import (
    HomepageFormField,
    map_links,
    normalise_homepage,
    readable_phone,
)
from portal.blocks.fields import latitude_field, longitude_field, year_field
from portal.blocks.gallery import GalleryImage
from portal.blocks.images import IMAGE_FIELDS, Illustrated
from portal.blocks.publishing import Publishable, PublishableQuerySet, if_public
from portal.blocks.reversing import reverse_slug
from portal.blocks.text_search import Related, SearchFields, matching


class HomepageField(models.URLField):
    """A URL field that accepts what people paste from a seed table or a business card
    ("www.kicet.re.kr/english.web") and stores a working https link."""

    def to_python(self, value):
        return normalise_homepage(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": HomepageFormField, **kwargs})


class Discipline(models.Model):
    """A craft discipline: ceramics, hanji, lacquer, metal, wood, textile, glass…"""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["slug"]

    def __str__(self):
        return self.name or self.slug


class InstitutionKind(models.TextChoices):
    STUDIO = "studio", _("Studio or workshop")
    COOPERATIVE = "cooperative", _("Cooperative or association")
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University")
    FOUNDATION = "foundation", _("Foundation")
    MUSEUM = "museum", _("Museum or gallery")
    RESEARCH = "research", _("Research institute")
    PUBLIC_AGENCY = "public_agency", _("Public agency")
    COMPANY = "company", _("Company")


# What a list entry shows (directory, home page): no description.
LISTING_FIELDS = (
    *IMAGE_FIELDS,
    "slug",
    "kind",
    "name_ko",
    "name_en",
    "address_ko",
    "address_en",
    "phone",
    "latitude",
    "longitude",
    "status",
    "publish_at",
    "updated_at",
    "city",
    "city__slug",
    "city__name_ko",
    "city__name_en",
    "city__status",
    "city__publish_at",
)


# '' written into the SQL, not passed as a parameter: SQLite uses an index on an
# expression only when the query's expression is the same text, and a parameter is not.
EMPTY_TEXT = Func(template="''", output_field=models.CharField())


def shown_name(language):
    """The name a page in ``language`` shows: its own, or the other where it is
    missing. The directory sorts by it, so untranslated names do not all sort first or
    last (and an index on it per language serves that order)."""
    other = "en" if language == "ko" else "ko"
    return Coalesce(NullIf(f"name_{language}", EMPTY_TEXT), f"name_{other}")


def on_map_condition():
    """What a map can place: both coordinates, in a public city (a map would all but
    name a draft city). A condition, so that the directory counts these with its other
    counts."""
    return Q(
        latitude__isnull=False,
        longitude__isnull=False,
        city__in=City.objects.published().values("pk"),
    )


# What a search reads of an institution (``portal.blocks.text_search``).
INSTITUTION_SEARCH = SearchFields(
    names=("name_ko", "name_en"),
    texts=("summary_ko", "summary_en", "address_ko", "address_en"),
    long=("description_ko", "description_en"),
    related=(Related("disciplines", ("name_ko", "name_en")),),
    choices=(("kind", lambda: InstitutionKind.choices),),
)


class InstitutionQuerySet(PublishableQuerySet):
    def search(self, text):
        """The institutions ``text`` matches (``INSTITUTION_SEARCH``)."""
        return matching(self, text, INSTITUTION_SEARCH)

    def by_name(self):
        """Alphabetical by the name the page's language shows (``shown_name``)."""
        return self.order_by(shown_name("en" if get_language() == "en" else "ko"), "pk")

    def for_listing(self):
        """Only the columns a list entry shows, its city and disciplines loaded in two
        queries whatever the number of rows."""
        return (
            self.select_related("city")
            .only(*LISTING_FIELDS)
            .prefetch_related(
                Prefetch(
                    "disciplines", queryset=Discipline.objects.only("slug", "name_ko", "name_en")
                )
            )
        )

    def delete(self):
        refuse_to_drop_organisers(self)
        return super().delete()

    def on_map(self):
        """Those a map can place (``on_map_condition``)."""
        return self.filter(on_map_condition())

    def for_home(self):
        """For the home page: the most recently updated first (read in that order from
        an index)."""
        return self.select_related("city").only(*LISTING_FIELDS).order_by("-updated_at", "-pk")


class Institution(Illustrated, Publishable):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), blank=True, related_name="institutions"
    )
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="institutions"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    phone = PhoneNumberField(
        _("phone"),
        blank=True,
        help_text=_("With the country code if outside Korea, e.g. +82 31-645-6501."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    homepage = HomepageField(
        _("homepage"),
        blank=True,
        help_text=_('A bare address such as "www.example.kr/en" is saved as https://….'),
    )
    founded_year = year_field(_("founded"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    latitude = latitude_field()
    longitude = longitude_field()

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["slug"]
        indexes = [
            # The home page's most recently updated institutions, found in the index in
            # the order the page asks for (its tie-breaker, the key, included: without it
            # SQLite sorts every published row).
            models.Index(
                fields=["updated_at", "id", "publish_at"],
                condition=models.Q(status="published"),
                name="institution_published_recent",
            ),
            # The directory's counts per kind and of those on its map, read from the
            # index alone: SQLite reads the table for any column the index lacks, and
            # reading 5,000 rows for their city and coordinates cost six times the scan.
            # The key last, for PostgreSQL, which does not keep it in an index and read
            # every row to count them by it (8 ms; 2.6 ms from the index alone).
            models.Index(
                fields=["kind", "publish_at", "status", "city", "latitude", "longitude", "id"],
                condition=models.Q(status="published"),
                name="institution_published_kind",
            ),
            # Which cities have published institutions (the directory's city choices,
            # a city's count), without reading the rows.
            models.Index(
                fields=["city", "publish_at"],
                condition=models.Q(status="published"),
                name="institution_published_city",
            ),
            # The directory's order in each language (``by_name``): a page of it is read
            # from the index instead of sorting every published institution.
            *(
                models.Index(
                    shown_name(language),
                    models.F("id"),
                    condition=models.Q(status="published"),
                    name=f"institution_published_{language}_name",
                )
                for language in ("ko", "en")
            ),
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse_slug("institutions:detail", self.slug)

    def delete(self, *args, **kwargs):
        refuse_to_drop_organisers([self])
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    @property
    def phone_display(self):
        return readable_phone(self.phone)

    @property
    def public_city(self):
        """The city to name on public pages, or None while that city is a draft: a
        published institution must not reveal an unpublished city. Needs no query after
        .for_listing() or .for_home() (they load the city's status)."""
        return if_public(self.city)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    def map_links(self):
        # Korean first: it is what Kakao and Naver find best.
        return map_links(
            name=self.name_ko or self.name_en or "",
            address=self.address_ko or self.address_en or "",
            latitude=self.latitude,
            longitude=self.longitude,
        )


def refuse_to_drop_organisers(institutions):
    """Events point at their venue with a PROTECT foreign key, but organisers are a
    many-to-many that Django would silently unlink. Refuse, as for a venue, so that no
    event loses its organiser without someone deciding it.

    Checked before anything is deleted (Model.delete, QuerySet.delete): raised from
    inside the deletion, the error would also spoil the surrounding transaction.
    """
    from events.models import Event

    events = list(Event.objects.filter(organisers__in=list(institutions)).distinct().order_by("pk"))
    if events:
        raise ProtectedError(
            _(
                "Cannot delete an institution that organises events: %(events)s. Remove it "
                "from those events first."
            )
            % {"events": ", ".join(str(event) for event in events)},
            set(events),
        )


@receiver(pre_delete, sender=Institution, dispatch_uid="institutions_keep_organisers")
def keep_organisers(sender, instance, **kwargs):
    # The last line of defence, for deletions that bypass the two methods above (a
    # cascade from another model, a raw Collector).
    refuse_to_drop_organisers([instance])


class InstitutionImage(GalleryImage):
    """One image of a institution's gallery, shown on its page."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="gallery", verbose_name=_("institution")
    )

    class Meta(GalleryImage.Meta):
        verbose_name = _("institution gallery image")
        verbose_name_plural = _("institution gallery images")
