"""Image files for tests, made with Pillow (no binary fixtures in the repo)."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(
    fmt="JPEG", size=(1200, 800), color=(180, 90, 40), exif=None, mode="RGB", **options
):
    out = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    Image.new(mode, size, color if mode != "1" else 0).save(out, format=fmt, **options)
    return out.getvalue()


def mpo_bytes(size=(1200, 800), colors=((200, 30, 30), (30, 30, 200)), exif=None):
    """A multi-picture JPEG as phones write them: the photo, then a second picture."""
    out = io.BytesIO()
    first, *others = (Image.new("RGB", size, color) for color in colors)
    options = {"exif": exif} if exif is not None else {}
    first.save(out, format="MPO", save_all=True, append_images=others, **options)
    return out.getvalue()


def gps_exif(orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Secret Camera Maker"
    gps = {1: "N", 2: (37.0, 16.0, 12.0), 3: "E", 4: (127.0, 26.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(folder=""):
    """Every file in the media storage, by name (sorted)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}".lstrip("/") for name in files]
    for sub in folders:
        names += stored_files(f"{folder}/{sub}".lstrip("/"))
    return sorted(names)
