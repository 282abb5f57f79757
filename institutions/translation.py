from institutions.models import Discipline, Institution
from portal.blocks.content import register_content

register_content(Discipline, ["name"])
register_content(Institution, ["name", "address", "summary", "description", "image_alt"])
