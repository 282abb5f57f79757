from events.figures import EditionFigure, FigureKind
from events.models import Event, EventImage, EventSeries
from portal.blocks.content import register_content

register_content(EventSeries, ["name", "description", "recurrence"])
register_content(
    Event,
    ["title", "place", "admission", "summary", "description", "image_alt"],
    # "Now on", "upcoming" and "past" follow the clock.
    changes_at=["starts_at", "ends_at"],
    changes_on=["start_date", "end_date"],
    display_only=[
        *("image", "image_width", "image_height", "image_alt"),
        *("admission", "registration_url", "summary", "description"),
    ],
)
register_content(EventImage, ["caption", "credit", "image_alt"])
register_content(FigureKind, ["name"])
register_content(EditionFigure, ["source"])
