from events.models import Event, EventSeries
from portal.publishing import register_content

register_content(EventSeries, ["name", "description", "recurrence"])
register_content(Event, ["title", "place", "admission", "summary", "description", "image_alt"])
