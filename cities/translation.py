from cities.models import City, CityImage, Milestone, Partnership
from portal.blocks.content import register_content

register_content(
    City,
    ["name", "summary", "description", "sub_disciplines", "focal_point", "image_alt"],
    display_only=[
        *("image", "image_width", "image_height", "image_alt"),
        *("summary", "description", "website", "focal_point", "contact_email"),
    ],
)
register_content(Partnership, ["title", "description"])
register_content(Milestone, ["title", "text"])
register_content(CityImage, ["caption", "credit", "image_alt"])
