"""Galleries: several images of one record, each with a caption, a credit and the
licence it may be used under.

``GalleryImage`` is the abstract model; each app declares one concrete model with a
foreign key to its record, ``related_name="gallery"`` (``CityImage``, …), registers it
with the content registry (caption, credit and alt text in Korean and English, its
edit history, the page cache: saving an image makes its record's pages out of date
through the foreign key) and adds ``GalleryInline`` to the record's admin.

Licences are shown with a small mark drawn here (``licence_mark``): a labelled badge,
not the licensors' official artwork, linked to the licence's own description.
"""

from django.db import models
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.blocks.images import Illustrated, SafeImageField


class Licence(models.TextChoices):
    # The Korea Open Government Licence (공공누리), in its four types.
    KOGL_1 = "kogl-1", _("KOGL Type 1: attribution")
    KOGL_2 = "kogl-2", _("KOGL Type 2: attribution, no commercial use")
    KOGL_3 = "kogl-3", _("KOGL Type 3: attribution, no changes")
    KOGL_4 = "kogl-4", _("KOGL Type 4: attribution, no commercial use, no changes")
    CC_BY = "cc-by", _("Creative Commons Attribution 4.0 (CC BY)")
    CC_BY_SA = "cc-by-sa", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    GENERATED = "generated", _("Generated for the demo (not a photograph)")


# Where each licence is described; a licence without one is named, not linked.
LICENCE_URLS = {
    Licence.KOGL_1: "https://www.kogl.or.kr/info/licenseType1.do",
    Licence.KOGL_2: "https://www.kogl.or.kr/info/licenseType2.do",
    Licence.KOGL_3: "https://www.kogl.or.kr/info/licenseType3.do",
    Licence.KOGL_4: "https://www.kogl.or.kr/info/licenseType4.do",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
}

# The badge of each licence: its short label and colours (white text on a dark ground,
# at least 4.5:1). The KOGL types carry their number.
LICENCE_BADGES = {
    Licence.KOGL_1: (pgettext_lazy("licence badge", "KOGL 1"), "#1d4f91"),
    Licence.KOGL_2: (pgettext_lazy("licence badge", "KOGL 2"), "#1d4f91"),
    Licence.KOGL_3: (pgettext_lazy("licence badge", "KOGL 3"), "#1d4f91"),
    Licence.KOGL_4: (pgettext_lazy("licence badge", "KOGL 4"), "#1d4f91"),
    Licence.CC_BY: ("CC BY", "#1b1b1f"),
    Licence.CC_BY_SA: ("CC BY-SA", "#1b1b1f"),
    Licence.ALL_RIGHTS_RESERVED: ("©", "#555760"),
    Licence.GENERATED: (pgettext_lazy("licence badge", "DEMO"), "#8a3b12"),
}

BADGE_HEIGHT = 24  # the smallest target WCAG 2.2 asks for a link
BADGE_CHAR_WIDTH = 8


def licence_mark(licence):
    """The licence's badge (an inline SVG, hidden from screen readers) followed by its
    full name for them, inside a link to its description when it has one."""
    try:
        licence = Licence(licence)
    except ValueError:
        return ""
    label, colour = LICENCE_BADGES[licence]
    label = str(label)
    # Hangul is about twice as wide as Latin letters.
    width = 12 + sum(BADGE_CHAR_WIDTH * (2 if ord(char) > 0x2E80 else 1) for char in label)
    badge = format_html(
        '<svg{}><rect width="{}" height="{}" rx="4" fill="{}"/>'
        '<text x="{}" y="16.5" fill="#ffffff" font-size="13" font-weight="700" '
        'font-family="sans-serif" text-anchor="middle">{}</text></svg>',
        flatatt(
            {
                "class": "licence__mark",
                "width": width,
                "height": BADGE_HEIGHT,
                "viewBox": f"0 0 {width} {BADGE_HEIGHT}",
                "aria-hidden": "true",
                "focusable": "false",
            }
        ),
        width,
        BADGE_HEIGHT,
        colour,
        width / 2,
        label,
    )
    name = format_html('<span class="visually-hidden">{}</span>', licence.label)
    url = LICENCE_URLS.get(licence)
    if url:
        return format_html(
            '<a class="licence" href="{}" rel="license noopener">{}{}</a>', url, badge, name
        )
    return format_html('<span class="licence">{}{}</span>', badge, name)


class GalleryImage(Illustrated):
    """Abstract: one image of a record's gallery. The concrete model adds the foreign
    key to the record (``related_name="gallery"``)."""

    image = SafeImageField(
        _("image"),
        width_field="image_width",
        height_field="image_height",
        help_text=_(
            "JPEG, PNG or WebP, up to 10 MB. Location data and other metadata "
            "are removed when it is saved."
        ),
    )
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, help_text=_("Shown under the image.")
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("Who made the image, e.g. the photographer or the archive."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=30,
        choices=Licence.choices,
        help_text=_("The terms others may use the image under, as its owner gave them."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Images are shown from the lowest number.")
    )

    class Meta:
        abstract = True
        ordering = ("position", "pk")
        verbose_name = _("gallery image")
        verbose_name_plural = _("gallery images")

    def __str__(self):
        return self.caption or self.image_alt or str(_("Image %(number)s") % {"number": self.pk})

    def licence_mark(self):
        return licence_mark(self.licence)
