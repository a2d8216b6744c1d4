"""Writes that merchandise products: their categories and the hand-picked collections they are in.

Both live in page revisions (a product's categories in the product's, a collection's hand-picked
products in the collection's), so each change is a new revision of the page it belongs to, made
from its latest revision (a pending draft keeps its other edits) and published when the page was
live with nothing pending (the storefront and its page cache follow); a page with a pending draft
gets the change in that draft and on its live row, so neither loses it. The collection's own
picker and the product editor's "Collections" field both call ``product_set_collections`` /
``collection_add_products``: the collection's hand-picked list is the one source of truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from wagtail.models import Page

from commerce.core.locking import locked

from .models import Category, CollectionPage, CollectionProduct, ProductPage


def same_store(page: Page, other: Page) -> bool:
    """Both pages under the same site root (a store's products may only join that store's collections)."""
    from commerce.stores.selectors import store_for_page

    return store_for_page(page) == store_for_page(other)


def lock_page(page: Page) -> Page:
    """The page's row locked to the end of the transaction and read again: two changes to one
    page's revisions queue up, and the second builds on the first (neither is lost)."""
    locked(Page.objects.filter(pk=page.pk)).get()
    return page.specific_class.objects.get(pk=page.pk)


def revise_page(
    page: Page,
    change: Callable[[Page], None],
    *,
    actor: Any,
    change_live_row: Callable[[], None],
    publish: bool | None = None,
) -> None:
    """Apply ``change`` to the page's latest revision (in memory) and save it as a new revision
    (the caller holds ``lock_page``).
    Someone who may publish (``publish``; by default the actor's permission) publishes it when the
    page was live with nothing pending, and otherwise also writes ``change_live_row``; someone who
    may not leaves a draft for review."""
    page = page.specific
    if publish is None:
        publish = actor is None or page.permissions_for_user(actor).can_publish()
    had_draft = page.has_unpublished_changes
    latest = page.get_latest_revision_as_object()
    change(latest)
    revision = latest.save_revision(user=actor, log_action=True)
    if not publish:
        return
    if page.live and not had_draft:
        revision.publish(user=actor)
    else:
        change_live_row()


@transaction.atomic
def products_set_category(
    *, products: Sequence[ProductPage], category: Category, replace: bool = False, actor: Any
) -> int:
    """Give each product ``category`` (instead of its others when ``replace``); returns how many changed."""
    through = ProductPage.categories.through
    changed = 0
    for product in sorted(products, key=lambda p: p.pk):  # locks in pk order: no deadlock between two runs
        product = lock_page(product)
        current = {c.pk for c in product.get_latest_revision_as_object().categories.all()}
        if current == {category.pk} or (not replace and category.pk in current):
            continue

        def change(page: ProductPage) -> None:
            page.categories.set([category] if replace else [*page.categories.all(), category])

        def change_live_row(product: ProductPage = product) -> None:
            if replace:
                through.objects.filter(productpage_id=product.pk).exclude(category=category).delete()
            through.objects.get_or_create(productpage_id=product.pk, category=category)

        revise_page(product, change, actor=actor, change_live_row=change_live_row)
        changed += 1
    return changed


def _check_same_store(collection: CollectionPage, products: Iterable[ProductPage]) -> None:
    strangers = [p.title for p in products if not same_store(p, collection)]
    if strangers:
        raise ValidationError({"collection": f"“{collection.title}” is in another store than {', '.join(strangers)}."})


@transaction.atomic
def collection_add_products(*, collection: CollectionPage, products: Sequence[ProductPage], actor: Any) -> int:
    """Append ``products`` to the collection's hand-picked list (one new revision); returns how many joined."""
    _check_same_store(collection, products)
    collection = lock_page(collection)
    latest = collection.get_latest_revision_as_object()
    present = {item.product_id for item in latest.manual_products.all()}
    joining = [p for p in dict.fromkeys(products) if p.pk not in present]
    if not joining:
        return 0

    def change(page: CollectionPage) -> None:
        items = list(page.manual_products.all())
        start = max((item.sort_order or 0 for item in items), default=-1) + 1
        page.manual_products = [
            *items,
            *(CollectionProduct(product=p, sort_order=start + i) for i, p in enumerate(joining)),
        ]

    def change_live_row() -> None:
        start = (CollectionProduct.objects.filter(collection=collection).aggregate(m=Max("sort_order"))["m"] or 0) + 1
        CollectionProduct.objects.bulk_create(
            [CollectionProduct(collection=collection, product=p, sort_order=start + i) for i, p in enumerate(joining)],
            ignore_conflicts=True,
        )

    revise_page(collection, change, actor=actor, change_live_row=change_live_row)
    return len(joining)


@transaction.atomic
def collection_remove_products(*, collection: CollectionPage, products: Sequence[ProductPage], actor: Any) -> int:
    """Take ``products`` off the collection's hand-picked list (one new revision); returns how many left."""
    leaving = {p.pk for p in products}
    collection = lock_page(collection)
    latest = collection.get_latest_revision_as_object()
    if not any(item.product_id in leaving for item in latest.manual_products.all()):
        return 0

    def change(page: CollectionPage) -> None:
        page.manual_products = [item for item in page.manual_products.all() if item.product_id not in leaving]

    def change_live_row() -> None:
        CollectionProduct.objects.filter(collection=collection, product_id__in=leaving).delete()

    revise_page(collection, change, actor=actor, change_live_row=change_live_row)
    return len(leaving)


def product_collections(product: ProductPage) -> list[CollectionPage]:
    """The collections that hand-pick ``product`` (their live lists)."""
    ids = CollectionProduct.objects.filter(product=product).values("collection_id")
    return list(CollectionPage.objects.filter(pk__in=ids).order_by("title"))


@transaction.atomic
def product_set_collections(*, product: ProductPage, collections: Iterable[CollectionPage], actor: Any) -> None:
    """Make ``collections`` exactly the hand-picked collections ``product`` is in (others drop it)."""
    wanted = {c.pk: c for c in collections}
    current = {c.pk: c for c in product_collections(product)}
    for pk in sorted(wanted.keys() - current.keys()):
        collection_add_products(collection=wanted[pk], products=[product], actor=actor)
    for pk in sorted(current.keys() - wanted.keys()):
        collection_remove_products(collection=current[pk], products=[product], actor=actor)
