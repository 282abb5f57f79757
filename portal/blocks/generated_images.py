"""Pictures drawn in code for the demo: glaze gradients, celadon inlay patterns and
abstract shapes in a palette, made with Pillow, without network, the same for the
same seed. They are decoration, never presented as photographs of a real place: the
demo credits them as generated (``Licence.GENERATED``).
"""

import hashlib
import io
import math
import random

# Ceramic palettes: (ground, light, accent, dark), as RGB.
PALETTES = {
    "celadon": ((164, 196, 178), (214, 232, 220), (96, 140, 120), (46, 78, 66)),
    "porcelain": ((226, 230, 236), (248, 249, 251), (70, 98, 160), (36, 52, 96)),
    "kiln": ((176, 92, 52), (232, 178, 130), (138, 59, 18), (70, 30, 12)),
    "buncheong": ((150, 140, 124), (222, 214, 198), (98, 88, 74), (52, 46, 40)),
    "hanji": ((232, 220, 196), (250, 244, 232), (178, 146, 96), (98, 78, 52)),
    "indigo": ((58, 78, 128), (148, 170, 210), (232, 196, 110), (24, 32, 62)),
}
STYLES = ("glaze", "celadon", "shapes")
SIZE = (1200, 675)


def palette_for(seed):
    """A palette chosen by ``seed`` (a city's slug), the same on every run."""
    names = sorted(PALETTES)
    return PALETTES[names[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(names)]]


def _mix(one, two, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(one, two, strict=True))


def _gradient(size, top, bottom):
    from PIL import Image

    ramp = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def _glaze(draw, size, palette, rng):
    """Runs of glaze down the pot and a fine crackle."""
    width, height = size
    ground, light, accent, dark = palette
    for _ in range(14):
        x = rng.uniform(0, width)
        run = rng.uniform(0.3, 0.9) * height
        drip = rng.uniform(width * 0.02, width * 0.07)
        draw.rounded_rectangle(
            (x, -drip, x + drip, run), radius=drip / 2, fill=_mix(light, accent, rng.random())
        )
    for _ in range(36):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        points = [(x, y)]
        for _step in range(4):
            x += rng.uniform(-60, 60)
            y += rng.uniform(-60, 60)
            points.append((x, y))
        draw.line(points, fill=_mix(ground, dark, 0.2), width=1)


def _celadon(draw, size, palette, rng):
    """Rows of inlaid rings and cranes' arcs, as on a celadon vase."""
    width, height = size
    _ground, light, accent, dark = palette
    step = rng.choice((90, 110, 130))
    for row, y in enumerate(range(-step // 2, height + step, step)):
        shift = step // 2 if row % 2 else 0
        for x in range(-step + shift, width + step, step):
            radius = step * 0.38
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=light, width=5)
            radius *= 0.55
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=accent, width=3)
    for _ in range(5):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        span = rng.uniform(120, 260)
        draw.arc((x, y, x + span, y + span / 2), 200, 340, fill=dark, width=6)


def _shapes(draw, size, palette, rng):
    """Overlapping discs and slabs: a potter's shelf, abstracted."""
    width, height = size
    _ground, light, accent, dark = palette
    for _ in range(9):
        x, y = rng.uniform(0, width), rng.uniform(height * 0.2, height)
        radius = rng.uniform(height * 0.08, height * 0.3)
        colour = _mix(rng.choice((light, accent, dark)), light, rng.uniform(0, 0.4))
        if rng.random() < 0.5:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        else:
            angle = rng.uniform(-0.3, 0.3)
            dx, dy = math.cos(angle) * radius * 1.6, math.sin(angle) * radius * 1.6
            draw.polygon(
                [
                    (x - dx, y - dy),
                    (x + dx, y + dy),
                    (x + dx, y + dy + radius),
                    (x - dx, y - dy + radius),
                ],
                fill=colour,
            )


DRAW = {"glaze": _glaze, "celadon": _celadon, "shapes": _shapes}


def generated_image(seed, palette=None, style=None, size=SIZE):
    """The JPEG bytes of a picture drawn for ``seed``: its palette (by default chosen
    by the seed) and style (``STYLES``; by default chosen by the seed)."""
    from PIL import ImageDraw, ImageFilter

    rng = random.Random(hashlib.sha256(seed.encode()).digest())  # noqa: S311 - drawing, not secrets
    palette = palette or palette_for(seed)
    style = style or rng.choice(STYLES)
    ground, light, _accent, dark = palette
    image = _gradient(size, _mix(light, ground, 0.3), _mix(ground, dark, 0.35))
    DRAW[style](ImageDraw.Draw(image), size, palette, rng)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return out.getvalue()
