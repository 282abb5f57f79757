"""The footer's page links, on every page."""

from django.db.models import DateTimeField, Value

from portal.models import Page

# What the footer shows of a page, in the order the links appear.
FOOTER_COLUMNS = ("footer_order", "slug", "title_ko", "title_en")


def footer_pages():
    """(footer_order, slug, title_ko, title_en) of the published pages marked for the
    footer, in footer order. Read with the next change time (``portal.cache.site_state``)
    in one query per content generation: a page saved, deleted or reaching its
    publication time starts a new one, so the footer never waits for it."""
    from portal.cache import site_state

    return site_state().footer_pages


def footer_rows():
    """The footer's pages as rows of ``site_state``'s query: no time, then the columns."""
    return (Page.objects.published().filter(in_footer=True).order_by()
            .annotate(first=Value(None, output_field=DateTimeField()))
            .values_list("first", *FOOTER_COLUMNS))


def in_footer_shape(times):
    """A single-value time query (``portal.publishing.first_value``) with empty footer
    columns, so that the two can be asked for in one UNION."""
    empty = {column: Value(None, output_field=Page._meta.get_field(column))
             for column in FOOTER_COLUMNS}
    return times.annotate(**empty).values_list("first", *FOOTER_COLUMNS)
