from portal.models import News, Page
from portal.publishing import register_content

register_content(News, ["title", "summary", "body", "image_alt"])
register_content(Page, ["title", "body"])
