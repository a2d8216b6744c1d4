"""Pages that sell: collections (by rules and hand-picked), an About page and the home page body."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from wagtail.images.models import Image
from wagtail.models import Collection

from commerce.catalog.models import Category, CollectionPage, CollectionProduct, ProductIndexPage, ProductPage
from home.models import ContentPage, HomePage

from .images import Artwork, image_ensure
from .publishing import block, list_items, page_add_published, stream_value
from .report import SeedReport
from .specs import StoreSpec

PRICE_CEILING = Decimal("50")


@dataclass(frozen=True)
class CollectionSpec:
    slug: str
    title: str
    intro: str
    show_in_menus: bool = False
    default_sort: str = "featured"
    rule_tag: str = ""
    rule_max_price: Decimal | None = None
    rule_on_sale: bool = False
    rule_in_stock: bool = False
    rule_category: str = ""
    picks: tuple[str, ...] = ()


def collection_specs(spec: StoreSpec, categories: dict[str, Category]) -> tuple[CollectionSpec, ...]:
    """The store's collections, in menu order (the menu lists the site root's children by tree position)."""
    category = categories[spec.category_collection]
    ceiling = f"{spec.currency_symbol}{PRICE_CEILING:.0f}"
    return (
        CollectionSpec(
            "new-arrivals",
            "New arrivals",
            "Just landed and ready to ship: the newest additions to the range.",
            show_in_menus=True,
            default_sort="newest",
            rule_tag="new",
            rule_in_stock=True,
        ),
        CollectionSpec(
            "on-sale",
            "On sale",
            "Last season's colours and overstock, marked down while they last.",
            show_in_menus=True,
            default_sort="price_asc",
            rule_on_sale=True,
        ),
        CollectionSpec(
            "staff-picks",
            "Staff picks",
            "The things our team actually uses, chosen by hand.",
            show_in_menus=True,
            picks=spec.staff_picks,
        ),
        CollectionSpec(
            "under-50",
            f"Under {ceiling}",
            f"Good things that cost less than {ceiling}.",
            default_sort="price_asc",
            rule_max_price=PRICE_CEILING,
        ),
        CollectionSpec(category.slug, category.name, category.description, rule_category=category.slug),
        CollectionSpec(
            "gift-guide", "Gift guide", "Presents that get used, for the people who have everything.", rule_tag="gift"
        ),
    )


def _banner(
    *,
    key: str,
    title: str,
    collection: Collection,
    image_size: int,
    variant: int,
    report: SeedReport,
    palette: tuple[str, str, str] | None = None,
) -> Image:
    """A wide, text-free generated image (twice as wide as the product images) for heroes and stories."""
    image, created = image_ensure(
        title=title,
        file_stem=key,
        artwork=Artwork(key=key, initials="", caption="", label="", palette=palette),
        width=image_size * 2,
        height=image_size,
        collection=collection,
        variant=variant,
    )
    report.add("images", int(created))
    return image


def collections_ensure(
    *,
    spec: StoreSpec,
    home: HomePage,
    products: dict[str, ProductPage],
    categories: dict[str, Category],
    collection: Collection,
    image_size: int,
    report: SeedReport,
) -> dict[str, CollectionPage]:
    existing = {page.slug: page for page in CollectionPage.objects.child_of(home)}
    for position, item in enumerate(collection_specs(spec, categories)):
        if item.slug in existing:
            continue
        page = CollectionPage(
            title=item.title,
            slug=item.slug,
            intro=item.intro,
            show_in_menus=item.show_in_menus,
            default_sort=item.default_sort,
            rule_tag=item.rule_tag,
            rule_max_price=item.rule_max_price,
            rule_on_sale=item.rule_on_sale,
            rule_in_stock=item.rule_in_stock,
            search_description=item.intro,
            hero_image=_banner(
                key=f"{spec.home_slug}-{item.slug}",
                title=f"{spec.name}: {item.title}",
                collection=collection,
                image_size=image_size,
                variant=position,
                report=report,
            ),
        )
        if item.rule_category:
            page.rule_categories = [categories[item.rule_category]]
        page.manual_products = [
            CollectionProduct(product=products[slug], sort_order=order) for order, slug in enumerate(item.picks)
        ]
        existing[item.slug] = page_add_published(parent=home, page=page)
        report.add("collections")
    return existing


def about_page_ensure(
    *,
    spec: StoreSpec,
    home: HomePage,
    shop: ProductIndexPage,
    collection: Collection,
    image_size: int,
    report: SeedReport,
) -> ContentPage:
    about = ContentPage.objects.child_of(home).filter(slug="about").first()
    if about is not None:
        return about
    workshop = _banner(
        key=f"{spec.home_slug}-workshop",
        title=f"{spec.name}: our workshops",
        collection=collection,
        image_size=image_size,
        variant=2,
        report=report,
        palette=spec.palette,
    )
    body = [
        block(
            "rich_text",
            f"<p>{escape(spec.story)}</p><p>Questions about an order or a product? Write to "
            f'<a href="mailto:{spec.contact_email}">{spec.contact_email}</a> and a person will '
            "answer within a working day.</p>",
        ),
        block(
            "image_with_text",
            {
                "image": workshop.pk,
                "heading": "Repair before replace",
                "text": "<p>Every product comes with <b>free repairs for its first two years</b>. After that we "
                "fix things at cost, and we stock spare buckles, zips and poles for everything we sell.</p>",
                "image_position": "right",
            },
        ),
        block(
            "call_to_action",
            {
                "heading": "See what we make",
                "text": "From base layers to cast iron: the whole range, in stock and ready to ship.",
                "button": {"label": "Visit the shop", "page": shop.pk, "url": ""},
            },
        ),
    ]
    about = ContentPage(
        title="About us",
        slug="about",
        show_in_menus=True,
        intro=spec.tagline,
        search_description=f"The story behind {spec.name}.",
        social_image=workshop,
        body=stream_value(ContentPage.body.field.stream_block, body),
    )
    page_add_published(parent=home, page=about)
    report.add("pages")
    return about


def home_body(
    *,
    spec: StoreSpec,
    shop: ProductIndexPage,
    about: ContentPage,
    collections: dict[str, CollectionPage],
    products: dict[str, ProductPage],
    hero: Image,
    story_image: Image,
) -> list[dict]:
    """The home page's StreamField as raw JSON: hero, collections, a hand-picked grid, story and a CTA."""
    return [
        block(
            "hero",
            {
                "heading": spec.hero_heading,
                "subheading": spec.hero_subheading,
                "image": hero.pk,
                "call_to_action": {"label": "Shop everything", "page": shop.pk, "url": ""},
            },
        ),
        block("featured_collection", {"heading": "Just in", "collection": collections["new-arrivals"].pk, "count": 4}),
        block(
            "product_grid",
            {
                "heading": "Customer favourites",
                "products": list_items(products[slug].pk for slug in spec.home_grid),
            },
        ),
        block(
            "image_with_text",
            {
                "image": story_image.pk,
                "heading": "Built to be repaired",
                "text": f'<p>{escape(spec.story)}</p><p><a linktype="page" id="{about.pk}">Read our story</a></p>',
                "image_position": "left",
            },
        ),
        block("featured_collection", {"heading": "On sale now", "collection": collections["on-sale"].pk, "count": 4}),
        block("featured_collection", {"heading": "", "collection": collections["staff-picks"].pk, "count": 4}),
        block(
            "call_to_action",
            {
                "heading": "Looking for a present?",
                "text": "Our gift guide has something for everyone, and every order can be gift wrapped.",
                "button": {"label": "Open the gift guide", "page": collections["gift-guide"].pk, "url": ""},
            },
        ),
    ]


def home_page_fill(
    *,
    spec: StoreSpec,
    home: HomePage,
    shop: ProductIndexPage,
    about: ContentPage,
    collections: dict[str, CollectionPage],
    products: dict[str, ProductPage],
    collection: Collection,
    image_size: int,
    report: SeedReport,
) -> None:
    """Give the home page its selling body and publish it, unless an editor has already written one."""
    home = HomePage.objects.get(pk=home.pk)
    if len(home.body):
        return
    hero = _banner(
        key=f"{spec.home_slug}-hero",
        title=f"{spec.name}: {spec.hero_heading}",
        collection=collection,
        image_size=image_size,
        variant=1,
        report=report,
        palette=spec.palette,
    )
    story = _banner(
        key=f"{spec.home_slug}-story",
        title=f"{spec.name}: built to be repaired",
        collection=collection,
        image_size=image_size,
        variant=0,
        report=report,
    )
    raw = home_body(
        spec=spec, shop=shop, about=about, collections=collections, products=products, hero=hero, story_image=story
    )
    home.body = stream_value(HomePage.body.field.stream_block, raw)
    home.social_image = hero
    home.save_revision().publish()
    report.add("home pages filled")
