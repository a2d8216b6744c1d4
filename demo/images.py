"""Generated artwork for the demo: a diagonal gradient, a geometric composition and the product's
initials and name, rendered with Pillow and stored as Wagtail images in a "Magpie demo" collection."""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from functools import lru_cache

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFont
from wagtail.images.models import Image
from wagtail.models import Collection

DEMO_COLLECTION_NAME = "Magpie demo"
DEFAULT_IMAGE_SIZE = 800
MIN_IMAGE_SIZE = 32

# (gradient start, gradient end, accent): muted, print-like colour schemes.
PALETTES: tuple[tuple[str, str, str], ...] = (
    ("#0b5d57", "#83c5be", "#f2c14e"),
    ("#264653", "#2a9d8f", "#e9c46a"),
    ("#6d597a", "#e56b6f", "#eaac8b"),
    ("#1d3557", "#457b9d", "#f1faee"),
    ("#3d405b", "#81b29a", "#f2cc8f"),
    ("#283618", "#606c38", "#fefae0"),
    ("#9c6644", "#ddb892", "#ede0d4"),
    ("#22223b", "#4a4e69", "#c9ada7"),
    ("#bc4749", "#f2e8cf", "#386641"),
    ("#003049", "#d62828", "#fcbf49"),
    ("#5f0f40", "#9a031e", "#fb8b24"),
    ("#2b2d42", "#8d99ae", "#ef233c"),
)


@dataclass(frozen=True)
class Artwork:
    """What to draw: the big letters, the caption under them and a stable key choosing colours.

    Banners (hero, collection and story images) leave all three texts empty: the page's own heading is
    laid over them, and baked-in text would clash with it.
    """

    key: str
    initials: str
    caption: str
    label: str = "MAGPIE"
    palette: tuple[str, str, str] | None = None  # (start, end, accent); default: chosen by ``key``


def initials_for(title: str) -> str:
    words = [word for word in title.replace("-", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "M"


def palette_for(key: str) -> tuple[str, str, str]:
    return PALETTES[zlib.crc32(key.encode()) % len(PALETTES)]


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _gradient(width: int, height: int, start: str, end: str) -> PILImage.Image:
    vertical = PILImage.linear_gradient("L").resize((width, height))
    horizontal = PILImage.linear_gradient("L").rotate(90).resize((width, height))
    mask = ImageChops.add(vertical, horizontal, scale=2)
    size = (width, height)
    return PILImage.composite(PILImage.new("RGB", size, end), PILImage.new("RGB", size, start), mask)


def _compose_shapes(canvas: PILImage.Image, *, variant: int, accent: str, shade: str) -> PILImage.Image:
    width, height = canvas.size
    unit = min(width, height)
    overlay = PILImage.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    accent_rgb, shade_rgb = _hex_rgb(accent), _hex_rgb(shade)
    if variant % 3 == 0:
        # A low sun with rings.
        cx, cy, r = int(width * 0.72), int(height * 0.3), int(unit * 0.26)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*accent_rgb, 170))
        for step in (1.35, 1.7):
            ring = int(r * step)
            draw.ellipse(
                (cx - ring, cy - ring, cx + ring, cy + ring), outline=(*accent_rgb, 90), width=max(unit // 80, 1)
            )
    elif variant % 3 == 1:
        # Layered mountain ridges, lighter at the back.
        for layer, alpha in enumerate((90, 140, 210)):
            foot = height * 1.02
            for peak in range(3):
                x = width * (-0.15 + 0.5 * peak + 0.22 * layer)
                top = height * (0.42 + 0.1 * layer + 0.06 * ((peak + layer) % 2))
                colour = accent_rgb if layer == 1 else shade_rgb
                draw.polygon([(x - width * 0.38, foot), (x, top), (x + width * 0.38, foot)], fill=(*colour, alpha))
    else:
        # Diagonal bands.
        band = max(unit // 9, 2)
        for index, start in enumerate(range(-height, width, band * 2)):
            colour = accent_rgb if index % 2 else shade_rgb
            draw.polygon(
                [(start, height), (start + band, height), (start + band + height, 0), (start + height, 0)],
                fill=(*colour, 70),
            )
    return PILImage.alpha_composite(canvas.convert("RGBA"), overlay)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines[:3]


def _draw_text(canvas: PILImage.Image, artwork: Artwork) -> PILImage.Image:
    width, height = canvas.size
    unit = min(width, height)
    overlay = PILImage.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if artwork.initials:
        big = _font(max(int(unit * 0.34), 8))
        shadow = max(unit // 100, 1)
        centre = (width // 2, int(height * 0.45))
        draw.text((centre[0] + shadow, centre[1] + shadow), artwork.initials, font=big, anchor="mm", fill=(0, 0, 0, 70))
        draw.text(centre, artwork.initials, font=big, anchor="mm", fill=(255, 255, 255, 245))
        caption_font = _font(max(int(unit * 0.055), 6))
        line_height = int(unit * 0.07)
        top = int(height * 0.45 + unit * 0.24)
    else:
        caption_font = _font(max(int(unit * 0.11), 6))
        line_height = int(unit * 0.14)
        top = int(height * 0.42)
    offset = max(unit // 160, 1)
    for index, line in enumerate(_wrap(draw, artwork.caption, caption_font, int(width * 0.84))):
        position = (width // 2, top + index * line_height)
        shadow_position = (position[0] + offset, position[1] + offset)
        draw.text(shadow_position, line, font=caption_font, anchor="mm", fill=(0, 0, 0, 90))
        draw.text(position, line, font=caption_font, anchor="mm", fill=(255, 255, 255, 240))

    if artwork.label:
        label_font = _font(max(int(unit * 0.035), 6))
        margin = int(unit * 0.05)
        draw.text((margin, margin), artwork.label, font=label_font, anchor="la", fill=(255, 255, 255, 210))
    return PILImage.alpha_composite(canvas, overlay)


def render_artwork(artwork: Artwork, *, width: int, height: int, variant: int = 0) -> bytes:
    """A JPEG of ``width`` x ``height``: gradient, shapes (varied by ``variant``), initials and caption."""
    start, end, accent = artwork.palette or palette_for(artwork.key)
    if variant % 2:
        start, end = end, start
    canvas = _compose_shapes(_gradient(width, height, start, end), variant=variant, accent=accent, shade=start)
    canvas = _draw_text(canvas, artwork)
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, format="JPEG", quality=86)
    return buffer.getvalue()


def demo_collection() -> Collection:
    """The Wagtail collection holding every generated demo image (created once)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=DEMO_COLLECTION_NAME).first()
    return existing or root.add_child(name=DEMO_COLLECTION_NAME)


def image_create(*, title: str, file_stem: str, content: bytes, collection: Collection) -> Image:
    image = Image(title=title, collection=collection, file=ImageFile(io.BytesIO(content), name=f"{file_stem}.jpg"))
    image._set_image_file_metadata()
    image.full_clean()
    image.save()
    return image


def image_ensure(
    *, title: str, file_stem: str, artwork: Artwork, width: int, height: int, collection: Collection, variant: int = 0
) -> tuple[Image, bool]:
    """The demo image titled ``title``, rendered and stored if it does not exist yet; and whether it was created."""
    existing = Image.objects.filter(collection=collection, title=title).order_by("pk").first()
    if existing is not None:
        return existing, False
    content = render_artwork(artwork, width=width, height=height, variant=variant)
    return image_create(title=title, file_stem=file_stem, content=content, collection=collection), True
