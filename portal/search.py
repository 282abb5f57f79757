"""The site search (``/<lang>/search/?q=&type=&page=``): cities, institutions, events,
news and pages at once, published ones only, matched and ranked by
``portal.blocks.text_search`` with each model's own ``SearchFields``.

Each type is read in one query, whatever the data size: its best rows and, in the
same query, how many match (``text_search.ranked``). A page of one type (``type=``) is
that query with an offset, plus one count per other type.
"""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Page as ResultPage
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cities.models import CITY_SEARCH, City
from events.models import COMPACT_FIELDS, EVENT_SEARCH, Event
from institutions.models import INSTITUTION_SEARCH, Institution
from portal.blocks import text_search
from portal.models import NEWS_SEARCH, PAGE_SEARCH, News, Page

# Results of each type on the page that shows them all; a page of one type.
PER_TYPE = 5
PER_PAGE = 20


@dataclass(frozen=True)
class ResultType:
    key: str
    label: object
    counted: object  # ngettext_lazy: "%(count)s city" / "%(count)s cities"
    model: type
    spec: text_search.SearchFields
    columns: tuple  # what a result shows
    list_url: str = ""  # the type's own list, filtered by the same words
    list_params: tuple = ()

    def queryset(self):
        return self.model.objects.published()

    def ranked(self, text, offset, limit):
        """``limit`` rows from ``offset``, best first, and how many match."""
        return text_search.ranked(self.queryset(), text, self.spec, offset, limit, self.columns)

    def count(self, text):
        return text_search.count(self.queryset(), text, self.spec)

    def list_link(self, text):
        if not self.list_url:
            return ""
        return f"{reverse(self.list_url)}?{urlencode([('q', text), *self.list_params])}"


TEXTS = ("summary_ko", "summary_en")
TYPES = [
    ResultType(
        "cities",
        _("Cities"),
        ngettext_lazy("%(count)s city", "%(count)s cities", "count"),
        City,
        CITY_SEARCH,
        ("slug", "name_ko", "name_en", "country", "creative_field", *TEXTS),
        "cities:list",
    ),
    ResultType(
        "institutions",
        _("Institutions"),
        ngettext_lazy("%(count)s institution", "%(count)s institutions", "count"),
        Institution,
        INSTITUTION_SEARCH,
        ("slug", "name_ko", "name_en", "kind", "address_ko", "address_en", *TEXTS),
        "institutions:list",
    ),
    ResultType(
        "events",
        _("Events"),
        ngettext_lazy("%(count)s event", "%(count)s events", "count"),
        Event,
        EVENT_SEARCH,
        (*COMPACT_FIELDS, "kind", *TEXTS),
        "events:list",
        (("when", "all"),),
    ),
    ResultType(
        "news",
        _("News"),
        ngettext_lazy("%(count)s news item", "%(count)s news items", "count"),
        News,
        NEWS_SEARCH,
        ("slug", "title_ko", "title_en", "date", *TEXTS),
    ),
    ResultType(
        "pages",
        _("Pages"),
        ngettext_lazy("%(count)s page", "%(count)s pages", "count"),
        Page,
        PAGE_SEARCH,
        ("slug", "title_ko", "title_en"),
    ),
]
BY_KEY = {kind.key: kind for kind in TYPES}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=text_search.MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "max_length": _(
                "Type at most %(limit_value)d characters: a few words find more than a sentence."
            )
        },
    )
    type = forms.ChoiceField(
        label=_("Only"),
        required=False,
        choices=[("", _("Everything")), *((kind.key, kind.label) for kind in TYPES)],
        error_messages={"invalid_choice": _("Choose one of the kinds of result listed.")},
    )

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}_error"

    def clean_q(self):
        value = " ".join(self.cleaned_data["q"].split())
        if value and not text_search.words(value):
            raise forms.ValidationError(
                _("Type a word, a name or a number: “%(value)s” has no letters or digits."),
                params={"value": value},
            )
        return value


class Section:
    """One type's results: its rows (the best first) and how many match."""

    def __init__(self, kind, rows, total, text):
        self.kind = kind
        self.rows = rows
        self.total = total
        self.text = text

    @property
    def key(self):
        return self.kind.key

    @property
    def capped(self):
        """More match than are counted (``text_search.COUNT_CAP``)."""
        return self.total > text_search.COUNT_CAP

    @property
    def counted(self):
        if self.capped:
            counted = self.kind.counted % {"count": text_search.COUNT_CAP}
            return _("%(counted)s or more") % {"counted": counted}
        return self.kind.counted % {"count": self.total}

    @cached_property
    def list_link(self):
        return self.kind.list_link(self.text)

    @property
    def more(self):
        return self.capped or self.total > len(self.rows)

    @property
    def shown(self):
        """How many of the matches can be paged through (the best ``RANKED``)."""
        return min(self.total, text_search.RANKED)


def first_rows(kind, text, offset, limit):
    """``limit`` rows of ``kind`` from ``offset``, best first, and how many match (up to
    ``text_search.COUNT_CAP + 1``), in one query (0 when the offset is past the end:
    then no row tells)."""
    return kind.ranked(text, offset, limit)


def every_type(text):
    """The best rows of every type, with their totals: one query a type. May raise
    ``text_search.TooSlow``."""
    with text_search.bounded():
        return [Section(kind, *first_rows(kind, text, 0, PER_TYPE), text) for kind in TYPES]


def one_type(kind, text, number):
    """A page of ``kind``'s results (a Django ``Page``), and the other types' totals.
    A page number that is not one, or past the last page, is a 404; only the best
    ``text_search.RANKED`` are paged through. May raise ``text_search.TooSlow``."""
    paginator = Paginator([], PER_PAGE)
    try:
        number = int(number or 1)
    except (TypeError, ValueError):
        raise Http404(_("That page number is not a number.")) from None
    if number < 1:
        raise Http404(_("There is no such page."))
    offset = (number - 1) * PER_PAGE
    if offset >= text_search.RANKED:
        raise Http404(_("There is no such page."))
    with text_search.bounded():
        rows, total = first_rows(kind, text, offset, min(PER_PAGE, text_search.RANKED - offset))
        if not rows and number > 1:
            raise Http404(_("There is no such page."))
        sections = [
            Section(other, rows, total, text)
            if other is kind
            else Section(other, [], other.count(text), text)
            for other in TYPES
        ]
    paginator.count = min(total, text_search.RANKED)
    page = ResultPage(rows, number, paginator)
    return page, sections
