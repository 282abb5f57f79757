from institutions.models import Discipline, Institution, InstitutionImage
from portal.blocks.content import register_content

register_content(Discipline, ["name"])
register_content(
    Institution,
    ["name", "address", "summary", "description", "image_alt"],
    display_only=[
        *("image", "image_width", "image_height", "image_alt"),
        *("address", "postal_code", "phone", "email", "homepage", "founded_year"),
        *("summary", "description"),
    ],
)
register_content(InstitutionImage, ["caption", "credit", "image_alt"])
