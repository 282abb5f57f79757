from portal.blocks.content import register_content
from portal.models import (
    Document,
    GuidelineSection,
    MonitoringReport,
    News,
    NewsImage,
    Page,
    ReportSection,
    SiteIdentity,
    SocialLink,
)

register_content(
    News,
    ["title", "summary", "body", "image_alt"],
    display_only=["image", "image_width", "image_height", "image_alt", "summary", "body"],
)
register_content(Page, ["title", "body"])
register_content(
    SiteIdentity,
    [
        "site_name",
        "office_name",
        "office_logo_alt",
        "emblem_alt",
        "unesco_logo_alt",
        "address",
        "hours",
    ],
)
register_content(SocialLink, ["network"])
register_content(NewsImage, ["caption", "credit", "image_alt"])
register_content(GuidelineSection, ["title", "guidance"])
register_content(MonitoringReport, ["title"])
register_content(ReportSection, ["title", "guidance", "text"])

register_content(Document, ["title", "summary"])
