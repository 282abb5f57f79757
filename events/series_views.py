"""A series' page (``/<lang>/events/series/<slug>/``): the series, its editions and
their figures across editions, as charts drawn on the server (SVG, no script) beside a
table with the same numbers, and as a CSV download."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from events.figures import EditionFigure, FigureKind
from events.models import Event, EventSeries
from portal.blocks.caching import cached_page, links
from portal.blocks.listing import FirstRows
from portal.blocks.opendata import csv_response
from portal.blocks.publishing import PublishedDetailMixin
from portal.blocks.translation_status import localized

# The page lists at most this many editions (an annual festival adds one a year); the
# events list filtered to the series has them all.
EDITIONS_SHOWN = 60

# The chart's drawing, in SVG user units (the SVG scales to its column's width): one
# row per edition, its label at the left, the bar, then the number.
CHART_WIDTH = 400
LABEL_WIDTH = 64
VALUE_WIDTH = 88
ROW_HEIGHT = 28
BAR_HEIGHT = 18
CHART_PAD = 6


def edition_label(event):
    """What names an edition in a chart row: its year (the title says the rest)."""
    day = event.start_date or event.end_date
    return str(day.year) if day else (str(event.edition) if event.edition else "—")


class Column:
    """One edition's column of the figures' table."""

    def __init__(self, event):
        self.event = event
        self.label = edition_label(event)
        self.values = {}


def group_figures(figures):
    """(kinds, editions): the kinds with figures, in order, and the editions with
    figures (oldest first), each with its figure of each kind's slug."""
    kinds, editions = {}, {}
    for figure in figures:
        kinds.setdefault(figure.kind.slug, figure.kind)
        column = editions.setdefault(figure.event_id, Column(figure.event))
        column.values[figure.kind.slug] = figure
    ordered = sorted(
        editions.values(),
        key=lambda column: (
            column.event.start_date or column.event.end_date or datetime.date.min,
            column.event.pk,
        ),
    )
    return list(kinds.values()), ordered


def _unit(number):
    """A coordinate as SVG reads it (never localised: "12.5", not "12,5")."""
    return f"{number:g}"


def bar_chart(kind, editions):
    """The drawing of one kind's figures across ``editions``: a horizontal bar per
    edition that has one, with its label and number written out (never colour alone)."""
    rows = [(column, column.values[kind.slug]) for column in editions if kind.slug in column.values]
    largest = max((figure.value for _column, figure in rows), default=0) or 1
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (column, figure) in enumerate(rows):
        y = CHART_PAD + index * ROW_HEIGHT
        width = round(bar_space * figure.value / largest, 1)
        bars.append(
            {
                "label": column.label,
                "value": number_format(figure.value, force_grouping=True),
                "bar_y": _unit(y + (ROW_HEIGHT - BAR_HEIGHT) / 2),
                "text_y": _unit(y + ROW_HEIGHT / 2 + 5),
                "width": _unit(width),
                "value_x": _unit(LABEL_WIDTH + width + 6),
            }
        )
    name = localized(kind, "name").text
    description = "; ".join(f"{bar['label']}: {bar['value']}" for bar in bars)
    return {
        "id": f"chart-{kind.slug}",
        "kind": kind,
        "title": _("%(figure)s by edition") % {"figure": name},
        "description": description,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_PAD * 2 + len(bars) * ROW_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def series_figures(series):
    return list(EditionFigure.objects.of_series(series))


# The page shows the series, its editions (events pointing at it) and their figures
# (any figure or figure kind may change them: a short list of pages).
@cached_page(depends_on=[EditionFigure, FigureKind, lambda view: [links(view.object)]])
class SeriesDetailView(PublishedDetailMixin, DetailView):
    model = EventSeries
    template_name = "events/series_detail.html"
    context_object_name = "series"

    @cached_property
    def figures(self):
        return series_figures(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        series = self.object
        kinds, editions = group_figures(self.figures)
        context.update(
            editions=FirstRows(
                Event.objects.published()
                .filter(series=series, parent__isnull=True)
                .for_compact_listing()
                .order_by("-end_date", "-pk"),
                EDITIONS_SHOWN,
            ),
            figure_kinds=kinds,
            figure_editions=editions,
            table_rows=[
                (column, [column.values.get(kind.slug) for kind in kinds]) for column in editions
            ],
            charts=[bar_chart(kind, editions) for kind in kinds],
            sources=[
                (column, figure)
                for column in editions
                for kind in kinds
                if (figure := column.values.get(kind.slug))
            ],
        )
        return context


@cached_page(depends_on=[EditionFigure, FigureKind, lambda view: [links(view.series)]])
class SeriesFiguresCsvView(View):
    """The figures of a published series' editions, one row per figure."""

    def get(self, request, slug):
        self.series = get_object_or_404(EventSeries.objects.published(), slug=slug)
        header = [
            _("Edition"),
            _("Edition number"),
            _("Start date"),
            _("End date"),
            _("Figure"),
            _("Figure code"),
            _("Value"),
            _("Source"),
            _("Source address"),
        ]
        rows = [
            [
                localized(figure.event, "title").text,
                figure.event.edition or "",
                figure.event.start_date.isoformat() if figure.event.start_date else "",
                figure.event.end_date.isoformat() if figure.event.end_date else "",
                localized(figure.kind, "name").text,
                figure.kind.slug,
                figure.value,
                localized(figure, "source").text,
                figure.source_url,
            ]
            for figure in series_figures(self.series)
        ]
        return csv_response(f"{self.series.slug}-figures.csv", header, rows)
