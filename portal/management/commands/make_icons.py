"""Draw the site's icons (the favicon as SVG, its PNG fallbacks and the touch icon) from
one shape, so that the files in ``static/img/`` stay the same picture. Run it after
changing the shape or the colours; a test fails when the files differ from what it
draws."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

# The icon on a 32-unit square: a kiln-red tile with a pale vase.
SIZE = 32
TILE = "#8a3b12"
VASE = "#f4f2ee"
CORNER = 6
# The vase's outline: straight lines and cubic Béziers, in absolute coordinates.
VASE_PATH = [
    ("M", (9, 8)),
    ("L", (23, 8)),
    ("L", (21, 13)),
    ("C", (23, 15), (24, 17), (24, 20)),
    ("C", (24, 24), (20, 26), (16, 26)),
    ("C", (12, 26), (8, 24), (8, 20)),
    ("C", (8, 17), (9, 15), (11, 13)),
]
# PNG file name → (pixel size, rounded corners). The touch icon is square: the phone
# rounds it itself.
PNGS = {"icon-32.png": (32, True), "icon-180.png": (180, False)}
SUPERSAMPLE = 8
CURVE_STEPS = 24


def svg():
    path = "".join(
        command + " ".join(f"{x:g} {y:g}" for x, y in points) for command, *points in VASE_PATH
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">'
        f'<rect width="{SIZE}" height="{SIZE}" rx="{CORNER}" fill="{TILE}"/>'
        f'<path d="{path}Z" fill="{VASE}"/></svg>\n'
    )


def outline():
    """The vase as a polygon (each Bézier cut into short straight pieces)."""
    points = []
    for command, *controls in VASE_PATH:
        if command in "ML":
            points.append(controls[0])
            continue
        (x0, y0), ((x1, y1), (x2, y2), (x3, y3)) = points[-1], controls
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            u = 1 - t
            points.append(
                (
                    u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                )
            )
    return points


def png(pixels, rounded):
    """The icon as a PNG image of ``pixels`` square (Pillow, drawn large and scaled
    down for smooth edges)."""
    from PIL import Image, ImageDraw

    scale = pixels * SUPERSAMPLE / SIZE
    big = pixels * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = CORNER * scale if rounded else 0
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=TILE)
    draw.polygon([(x * scale, y * scale) for x, y in outline()], fill=VASE)
    return image.resize((pixels, pixels), Image.Resampling.LANCZOS)


def icon_dir():
    return Path(settings.BASE_DIR) / "static" / "img"


class Command(BaseCommand):
    help = "Draw the favicon (SVG), its PNG fallback and the touch icon into static/img/."

    def handle(self, *args, **options):
        folder = icon_dir()
        (folder / "icon.svg").write_text(svg())
        for name, (pixels, rounded) in PNGS.items():
            png(pixels, rounded).save(folder / name, format="PNG", optimize=True)
        self.stdout.write(self.style.SUCCESS(f"Icons written to {folder}."))
