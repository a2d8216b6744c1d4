"""Small generated images for tests (Pillow), stored as real Wagtail images."""

from __future__ import annotations

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image


def make_image(title: str = "Test image", *, size: tuple[int, int] = (64, 64), colour: str = "#0b5d57") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title.replace(' ', '-').lower()}.png"))
