from portal.blocks.content import register_content
from portal.models import News, Page

register_content(News, ["title", "summary", "body", "image_alt"])
register_content(Page, ["title", "body"])
