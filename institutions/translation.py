from institutions.models import Discipline, Institution, InstitutionImage
from portal.blocks.content import register_content

register_content(Discipline, ["name"])
register_content(Institution, ["name", "address", "summary", "description", "image_alt"])
register_content(InstitutionImage, ["caption", "credit", "image_alt"])
