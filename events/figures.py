"""Edition figures: what each edition of a series counted (visitors, artists,
participating countries, programmes, and any figure the office adds), each with where
the number comes from. Shown across editions on the series page as a chart and a table
(events/series_views.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The figures every edition of a series is likely to record (slug, Korean, English,
# order); a data migration adds them, and the office adds others in the admin.
STANDARD_KINDS = [
    ("visitors", "관람객", "Visitors", 10),
    ("artists", "참여 작가", "Artists", 20),
    ("countries", "참여 국가", "Participating countries", 30),
    ("programmes", "프로그램", "Programmes", 40),
]


class FigureKind(models.Model):
    """A kind of figure an edition records, named in both languages (the office adds
    kinds in the admin)."""

    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Visitors."))
    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        help_text=_("Names the column of the figures' CSV download."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Kinds are shown from the lowest number.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("figure kind")
        verbose_name_plural = _("figure kinds")
        ordering = ["order", "slug"]

    def __str__(self):
        return self.name or self.slug


class EditionFigureQuerySet(models.QuerySet):
    def of_series(self, series):
        """The figures of the published editions of ``series``, with their kind and
        edition in the same query, by kind then by edition."""
        # The event model by the relation, not by an import: events.models imports this
        # module.
        editions = self.model._meta.get_field("event").related_model.objects.published()
        editions = editions.filter(series=series)
        return (
            self.filter(event__in=editions.values("pk"))
            .select_related("kind", "event")
            .only(
                "value",
                "source",
                "source_ko",
                "source_en",
                "source_url",
                "kind__slug",
                "kind__name_ko",
                "kind__name_en",
                "kind__order",
                "event__slug",
                "event__title_ko",
                "event__title_en",
                "event__edition",
                "event__start_date",
                "event__end_date",
                "event__status",
                "event__publish_at",
            )
            .order_by("kind__order", "kind__slug", "event__start_date", "event__end_date", "pk")
        )


class EditionFigure(models.Model):
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("edition"),
    )
    kind = models.ForeignKey(
        FigureKind, on_delete=models.PROTECT, related_name="figures", verbose_name=_("figure")
    )
    value = models.PositiveBigIntegerField(
        _("value"), help_text=_("A whole number, e.g. 300000 for “about 300,000 visitors”.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the number comes from, e.g. “Organiser's final report, 2023”."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EditionFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition figure")
        verbose_name_plural = _("edition figures")
        ordering = ["kind__order", "kind__slug", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="edition_figure_once_per_kind")
        ]

    def __str__(self):
        return f"{self.kind}: {self.value:,}"
