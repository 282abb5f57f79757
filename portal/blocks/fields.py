"""Model fields and choices more than one content app uses."""

import functools

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    """How much of a date is known: the sources often give only a month or a year."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class ChoiceLabels:
    """``get_<field>_display()`` from a table of the field's labels built once.

    Django's builds that table on every call, hashing each label: a lazy label is
    translated to be hashed, so a field of nine choices cost ~40 µs a call, on every
    card of a list. Here only the values are hashed; the labels stay lazy and are
    translated when shown, in the page's language. (A model field's choices are fixed
    when the model is defined.)"""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        label = choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)


@functools.cache
def choice_labels(field):
    return {make_hashable(value): label for value, label in field.flatchoices}


def latitude_field():
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, e.g. 36.642400 (north is positive)."),
    )


def longitude_field():
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, e.g. 127.489000 (east is positive)."),
    )


def year_field(verbose_name, help_text="", **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(2100)],
        help_text=help_text,
        **kwargs,
    )
