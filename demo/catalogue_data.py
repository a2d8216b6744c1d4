"""The two demo stores and the categories they share."""

from __future__ import annotations

from decimal import Decimal

from . import products_north, products_outfitters
from .specs import CategorySpec, StoreSpec

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("apparel", "Apparel", "Tees, shirts, knits and trousers made to be worn hard and often."),
    CategorySpec("outerwear", "Outerwear", "Jackets, vests and shells for wind, rain and snow."),
    CategorySpec("home-goods", "Home goods", "Blankets, ceramics and lighting for a warm, lived-in home."),
    CategorySpec("kitchen", "Kitchen", "Tools and tableware for slow breakfasts and long dinners."),
    CategorySpec("outdoors", "Outdoors", "Camp, trail and mountain kit that earns its place in the pack."),
    CategorySpec("accessories", "Accessories", "Hats, socks, wallets and the small things you reach for daily."),
    CategorySpec("bags", "Bags", "Packs, totes and duffels for the commute and the weekend."),
)

OUTFITTERS = StoreSpec(
    name="Magpie Outfitters",
    home_slug="outfitters",
    hostname="localhost",
    is_default_site=True,
    currency="USD",
    currency_symbol="$",
    country="US",
    prices_include_tax=False,
    tax_rate=Decimal("0"),
    contact_email="hello@outfitters.example.com",
    tagline="Well-made gear for the trail, the kitchen and everything between.",
    sku_prefix="MO",
    hero_heading="Made for the long way round",
    hero_subheading="Durable clothing, camp kit and home goods from makers who repair what they sell. "
    "Free shipping on orders over $75.",
    story="We started Magpie Outfitters in a garage with three tents and a sewing machine. Today we "
    "work with fourteen small workshops, and everything we sell is built to be repaired, handed down "
    "and used for a very long time.",
    products=products_outfitters.PRODUCTS,
    staff_picks=(
        "waxed-cotton-field-jacket",
        "merino-crew-sweater",
        "cast-iron-skillet",
        "two-person-backpacking-tent",
        "stoneware-mug-set",
        "roll-top-daypack-28l",
    ),
    home_grid=(
        "three-layer-rain-shell",
        "ceramic-table-lamp",
        "weekender-duffel",
        "insulated-steel-bottle",
        "everyday-organic-tee",
        "leather-card-wallet",
        "down-camp-blanket",
        "pour-over-coffee-set",
    ),
    category_collection="outdoors",
    palette=("#0b5d57", "#f2c14e", "#f7f3ea"),
)

NORTH = StoreSpec(
    name="Magpie North",
    home_slug="north",
    hostname="north.localhost",
    is_default_site=False,
    currency="EUR",
    currency_symbol="€",
    country="DE",
    prices_include_tax=True,
    tax_rate=Decimal("19.00"),
    contact_email="hallo@north.example.com",
    tagline="Warm things for cold places.",
    sku_prefix="MN",
    hero_heading="Winter, well dressed",
    hero_subheading="Merino, down and wool from Nordic makers. Prices include 19% VAT.",
    story="Magpie North brings our favourite cold-weather makers together in one place: weavers in "
    "Finland, knitters in Norway and a small down workshop in Bavaria.",
    products=products_north.PRODUCTS,
    staff_picks=(
        "arctic-expedition-parka",
        "nordic-knit-sweater",
        "sheepskin-rug",
        "thermal-flask-1l",
    ),
    home_grid=(
        "boiled-wool-jacket",
        "merino-base-layer-top",
        "alpaca-blend-scarf",
        "fjord-wool-throw",
    ),
    category_collection="outerwear",
    palette=("#1d3557", "#a8dadc", "#f1faee"),
)

STORES: tuple[StoreSpec, ...] = (OUTFITTERS, NORTH)
