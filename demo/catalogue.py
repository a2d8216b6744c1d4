"""Stores, sites, categories, the shop and its products.

Every ``*_ensure`` function creates what is missing, keyed on a slug, SKU or hostname, and leaves what
exists alone, so seeding twice changes nothing the second time.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from html import escape

from django.contrib.contenttypes.models import ContentType
from wagtail.images.models import Image
from wagtail.models import Collection, Page, Site

from commerce.catalog.models import Category, ProductImage, ProductIndexPage, ProductPage, ProductVariant
from commerce.stores.models import Store
from home.models import HomePage

from .images import Artwork, image_ensure, initials_for
from .publishing import block, list_items, page_add_published, stream_value
from .report import DemoDataError, SeedReport
from .specs import CategorySpec, ProductSpec, StoreSpec
from .stock import stock_open_demo

WAGTAIL_WELCOME_SLUG = "home"
IMAGE_VIEWS = ("front", "detail", "colourway")
SOLD_OUT_EVERY = 17


def categories_ensure(*, specs: tuple[CategorySpec, ...], report: SeedReport) -> dict[str, Category]:
    existing = {category.slug: category for category in Category.objects.filter(slug__in=[s.slug for s in specs])}
    for spec in specs:
        if spec.slug not in existing:
            category = Category(slug=spec.slug, name=spec.name, description=spec.description)
            category.full_clean()
            category.save()
            existing[spec.slug] = category
            report.add("categories")
    return existing


def home_page_ensure(*, spec: StoreSpec, root: Page, report: SeedReport) -> HomePage:
    home = HomePage.objects.child_of(root).filter(slug=spec.home_slug).first()
    if home is not None:
        return home
    home = HomePage(title=spec.name, slug=spec.home_slug, search_description=spec.tagline)
    page_add_published(parent=root, page=home)
    report.add("pages")
    return home


def site_ensure(*, spec: StoreSpec, home: HomePage, report: SeedReport) -> Site:
    """The store's site on its hostname and port. Wagtail's initial ``localhost:80`` site (rooted at the plain
    "Welcome" page) and the store's own site on another port are taken over (the port follows the one the demo
    is served on), not duplicated; a site serving anything else is left alone and reported."""
    site = (
        Site.objects.filter(hostname=spec.hostname, port=spec.port).first()
        or Site.objects.filter(hostname=spec.hostname, root_page=home).first()
        or Site.objects.filter(hostname=spec.hostname, root_page__content_type=_plain_page_type()).first()
    )
    wanted = {
        "root_page_id": home.pk,
        "site_name": spec.name,
        "is_default_site": spec.is_default_site,
        "port": spec.port,
    }
    if site is not None and all(getattr(site, name) == value for name, value in wanted.items()):
        return site
    if site is not None and site.root_page_id != home.pk and site.root_page.specific_class is not Page:
        raise DemoDataError(
            f"{spec.hostname}:{spec.port} already serves {site.root_page.title!r}; the demo only takes over "
            "Wagtail's initial welcome site. Point that site elsewhere or delete it, then seed again."
        )
    report.add("sites" if site is None else "sites repointed")
    site = site or Site(hostname=spec.hostname, port=spec.port)
    if spec.is_default_site:
        Site.objects.filter(is_default_site=True).exclude(pk=site.pk).update(is_default_site=False)
    for name, value in wanted.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    return site


def tag_name(slug: str) -> str:
    """What shoppers read: "organic-cotton" is tagged "Organic cotton" (its slug stays organic-cotton)."""
    return slug.replace("-", " ").capitalize()


def _plain_page_type() -> ContentType:
    return ContentType.objects.get_for_model(Page)


def welcome_page_remove(*, root: Page, report: SeedReport) -> None:
    """Delete Wagtail's initial "Welcome" page once no site uses it any more (it has no children)."""
    welcome_pages = Page.objects.child_of(root).filter(
        slug=WAGTAIL_WELCOME_SLUG,
        content_type=ContentType.objects.get_for_model(Page),
        numchild=0,
        sites_rooted_here__isnull=True,
    )
    for page in welcome_pages:
        page.delete()
        report.removed["Wagtail welcome page"] += 1


def store_ensure(*, spec: StoreSpec, site: Site, report: SeedReport) -> Store:
    store = Store.objects.filter(site=site).first()
    if store is not None:
        return store
    store = Store(
        site=site,
        name=spec.name,
        currency=spec.currency,
        default_country=spec.country,
        contact_email=spec.contact_email,
        tagline=spec.tagline,
        prices_include_tax=spec.prices_include_tax,
        tax_rate=spec.tax_rate,
    )
    store.full_clean()
    store.save()
    report.add("stores")
    return store


def shop_ensure(*, home: HomePage, spec: StoreSpec, report: SeedReport) -> ProductIndexPage:
    shop = ProductIndexPage.objects.child_of(home).first()
    if shop is not None:
        return shop
    shop = ProductIndexPage(
        title="Shop",
        slug="shop",
        show_in_menus=True,
        intro=f"Everything we make and stock at {spec.name}, in one place.",
        search_description=f"Shop the full {spec.name} catalogue.",
    )
    page_add_published(parent=home, page=shop)
    report.add("pages")
    return shop


def _sku(prefix: str, index: int, values: tuple[str, ...]) -> str:
    codes = ["".join(ch for ch in value.upper() if ch.isalnum())[:5] for value in values]
    return "-".join([prefix, f"{index + 1:03d}", *codes])


def _stock(index: int, position: int) -> int:
    """Deterministic stock: a few products sold out, some variants low, the rest comfortably stocked."""
    if index % SOLD_OUT_EVERY == SOLD_OUT_EVERY - 1:
        return 0
    code = (index * 7 + position * 3) % 13
    if code == 0:
        return 0
    if code in (1, 2):
        return code + 2
    return 15 + (index * 11 + position * 17) % 85


def _weight_label(grams: int) -> str:
    return f"{grams / 1000:.2f} kg".replace(".00 kg", " kg") if grams >= 1000 else f"{grams} g"


def product_variants(*, spec: ProductSpec, store: Store, index: int, prefix: str) -> list[ProductVariant]:
    variants = []
    length, width, height = spec.dimensions_mm
    for position, values in enumerate(spec.options.values):
        price = spec.options.prices[position] if spec.options.prices else spec.price
        compare_at = (price * Decimal("1.25")).quantize(Decimal("1"), ROUND_CEILING) if spec.on_sale else None
        variant = ProductVariant(
            store=store,
            sku=_sku(prefix, index, values),
            option1_value=values[0] if len(values) > 0 else "",
            option2_value=values[1] if len(values) > 1 else "",
            price=price,
            compare_at_price=compare_at,
            weight_grams=round(spec.weight_grams * (1 + 0.05 * position)),
            length_mm=length,
            width_mm=width,
            height_mm=height,
            sort_order=position,
        )
        variant.full_clean(exclude=["product"], validate_unique=False, validate_constraints=False)
        variants.append(variant)
    return variants


def product_description(spec: ProductSpec) -> list[dict]:
    length, width, height = spec.dimensions_mm
    specifications = [
        {"label": "Material", "value": spec.material},
        {"label": "Care", "value": spec.care},
        {"label": "Weight", "value": _weight_label(spec.weight_grams)},
        {"label": "Dimensions (packed)", "value": f"{length / 10:g} x {width / 10:g} x {height / 10:g} cm"},
    ]
    if spec.options.names:
        options = ", ".join(" / ".join(values) for values in spec.options.values)
        specifications.append({"label": " / ".join(spec.options.names), "value": options})
    return [
        block("paragraph", f"<p>{escape(spec.detail)}</p>"),
        block("specifications", list_items(specifications)),
    ]


def product_images(
    *, spec: ProductSpec, index: int, collection: Collection, image_size: int, report: SeedReport
) -> list[Image]:
    images = []
    for position in range(1 + index % len(IMAGE_VIEWS)):
        view = IMAGE_VIEWS[position]
        image, created = image_ensure(
            title=spec.title if position == 0 else f"{spec.title} ({view})",
            file_stem=f"{spec.slug}-{view}",
            artwork=Artwork(key=spec.slug, initials=initials_for(spec.title), caption=spec.title),
            width=image_size,
            height=image_size,
            collection=collection,
            variant=(index + position) % len(IMAGE_VIEWS),
        )
        report.add("images", int(created))
        images.append(image)
    return images


def product_create(
    *,
    spec: ProductSpec,
    index: int,
    store: Store,
    store_spec: StoreSpec,
    shop: ProductIndexPage,
    categories: dict[str, Category],
    collection: Collection,
    image_size: int,
    report: SeedReport,
) -> ProductPage:
    """One published product with its variants, gallery, category and tags, built as the editor would."""
    images = product_images(spec=spec, index=index, collection=collection, image_size=image_size, report=report)
    page = ProductPage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        description=stream_value(ProductPage.description.field.stream_block, product_description(spec)),
        option1_name=spec.options.names[0] if len(spec.options.names) > 0 else "",
        option2_name=spec.options.names[1] if len(spec.options.names) > 1 else "",
        featured=spec.featured,
        social_image=images[0],
        search_description=spec.summary,
    )
    page.categories = [categories[spec.category]]
    page.tags.add(*(tag_name(slug) for slug in spec.tags))
    page.variants = product_variants(spec=spec, store=store, index=index, prefix=store_spec.sku_prefix)
    page.gallery_images = [
        ProductImage(image=image, alt_text=f"{spec.title}, {IMAGE_VIEWS[position]} view", sort_order=position)
        for position, image in enumerate(images)
    ]
    page_add_published(parent=shop, page=page)
    stock_open_demo(
        store=store,
        quantities={variant.pk: _stock(index, position) for position, variant in enumerate(page.variants.all())},
    )
    report.add("products")
    report.add("variants", len(spec.options.values))
    return page


def products_ensure(
    *,
    store: Store,
    store_spec: StoreSpec,
    shop: ProductIndexPage,
    categories: dict[str, Category],
    collection: Collection,
    image_size: int,
    report: SeedReport,
) -> dict[str, ProductPage]:
    """The store's demo products by slug; missing ones are created, existing ones left untouched."""
    existing = {page.slug: page for page in ProductPage.objects.child_of(shop)}
    taken_skus = dict(ProductVariant.objects.filter(store=store).values_list("sku", "product__slug"))
    for index, spec in enumerate(store_spec.products):
        if spec.slug in existing:
            continue
        for values in spec.options.values:
            sku = _sku(store_spec.sku_prefix, index, values)
            if sku in taken_skus:
                raise DemoDataError(
                    f"SKU {sku} of the demo product {spec.title!r} is already used by the page "
                    f"{taken_skus[sku]!r} in {store.name}; rename or delete that variant and seed again."
                )
        existing[spec.slug] = product_create(
            spec=spec,
            index=index,
            store=store,
            store_spec=store_spec,
            shop=shop,
            categories=categories,
            collection=collection,
            image_size=image_size,
            report=report,
        )
    return {spec.slug: existing[spec.slug] for spec in store_spec.products}
