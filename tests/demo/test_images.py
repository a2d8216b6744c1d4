from __future__ import annotations

import io

from PIL import Image as PILImage

from demo.images import Artwork, initials_for, palette_for, render_artwork


def test_artwork_is_a_jpeg_of_the_requested_size_and_differs_by_product():
    skillet = Artwork(key="cast-iron-skillet", initials=initials_for("Cast Iron Skillet"), caption="Cast Iron Skillet")
    mug = Artwork(key="enamel-camp-mug", initials=initials_for("Enamel Camp Mug"), caption="Enamel Camp Mug")

    skillet_jpeg = render_artwork(skillet, width=120, height=120)
    banner_jpeg = render_artwork(Artwork(key="hero", initials="", caption="", label=""), width=240, height=120)

    with PILImage.open(io.BytesIO(skillet_jpeg)) as image:
        assert (image.format, image.size) == ("JPEG", (120, 120))
    with PILImage.open(io.BytesIO(banner_jpeg)) as image:
        assert image.size == (240, 120)
    assert skillet_jpeg != render_artwork(mug, width=120, height=120)
    assert skillet_jpeg != render_artwork(skillet, width=120, height=120, variant=1)
    assert render_artwork(skillet, width=120, height=120) == skillet_jpeg


def test_initials_and_palettes_are_stable():
    assert initials_for("Three-Layer Rain Shell") == "TL"
    assert initials_for("Wool Rag Socks 3-Pack") == "WR"
    assert palette_for("cast-iron-skillet") == palette_for("cast-iron-skillet")
