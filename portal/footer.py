"""The footer's page links, on every page."""

from typing import NamedTuple

from django.db.models import CharField, DateTimeField, F, PositiveSmallIntegerField, Value
from django.db.models.functions import Cast

from portal.models import Page


class FooterPage(NamedTuple):
    order: int
    slug: str
    title_ko: str
    title_en: str


# The footer's columns in ``portal.cache.site_state``'s query, each with the page field
# it comes from and its type. Named apart from any model's own fields, since every
# branch of that UNION carries them.
COLUMNS = {
    "page_order": ("footer_order", PositiveSmallIntegerField),
    "page_slug": ("slug", CharField),
    "page_title_ko": ("title_ko", CharField),
    "page_title_en": ("title_en", CharField),
}


def footer_pages():
    """The published pages marked for the footer (``FooterPage``), in footer order.
    Read with the next change time (``portal.cache.site_state``) in one query per
    content generation: a page saved, deleted or reaching its publication time starts
    a new one, so the footer never waits for it."""
    from portal.cache import generation, site_state

    return site_state(generation()).footer_pages


def footer_rows():
    """The footer's pages as rows of ``site_state``'s query: no time, then the page."""
    return (Page.objects.published().filter(in_footer=True).order_by()
            .annotate(first=Cast(Value(None), DateTimeField()),
                      **{name: F(field) for name, (field, _type) in COLUMNS.items()})
            .values_list("first", *COLUMNS))


def with_empty_footer_columns(time_query):
    """A single-value time query (``portal.publishing.first_value``) with the footer's
    columns empty, so that it can be asked for in one UNION with ``footer_rows``. The
    empty columns are typed: PostgreSQL matches them whatever the branches' order."""
    empty = {name: Cast(Value(None), column_type())
             for name, (_field, column_type) in COLUMNS.items()}
    return time_query.annotate(**empty).values_list("first", *COLUMNS)
