"""The demo's policy pages: shipping, returns and privacy, linked from every page's footer.

Ordinary content pages (editors change them in the Wagtail editor like any other page), marked
"show in footer" and kept out of the header menu. Idempotent: a page that exists is left alone.
"""

from __future__ import annotations

from html import escape

from home.models import ContentPage, HomePage

from .publishing import block, page_add_published, stream_value
from .report import SeedReport
from .specs import StoreSpec


def _policies(spec: StoreSpec) -> list[tuple[str, str, str, list[str]]]:
    contact = f'<a href="mailto:{escape(spec.contact_email)}">{escape(spec.contact_email)}</a>'
    return [
        (
            "shipping",
            "Shipping",
            "How and when your order arrives.",
            [
                "We pack orders placed before 2 pm on working days the same day. Standard delivery takes 3–5 "
                "working days and express delivery 1–2; the price of each is shown at checkout before you pay, "
                "and orders above the free-shipping threshold ship free.",
                f"Every order gets a tracking link by email once it leaves the workshop. Questions: {contact}.",
            ],
        ),
        (
            "returns",
            "Returns and refunds",
            "30 days to change your mind.",
            [
                "Unused items can be returned within 30 days of delivery for a full refund to the original "
                "payment method; items bought with a gift card are refunded to a gift card.",
                f"Write to {contact} with your order number and we send you a return label. Refunds are made "
                "within 5 working days of the parcel reaching us. Sale items are returnable too.",
            ],
        ),
        (
            "privacy",
            "Privacy policy",
            "What we keep about you, and why.",
            [
                f"{escape(spec.name)} keeps what it needs to deliver your order and answer your questions: your "
                "name, email address, postal address and what you bought. Card details go straight to our "
                "payment provider, Stripe, and never reach our servers.",
                "We do not sell or share your data for advertising. You can ask for a copy of your data, or "
                f"for it to be deleted, at any time: {contact}.",
            ],
        ),
    ]


def policy_pages_ensure(*, spec: StoreSpec, home: HomePage, report: SeedReport) -> None:
    for slug, title, intro, paragraphs in _policies(spec):
        if ContentPage.objects.child_of(home).filter(slug=slug).exists():
            continue
        body = [block("rich_text", "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs))]
        page = ContentPage(
            title=title,
            slug=slug,
            intro=intro,
            show_in_menus=False,
            show_in_footer=True,
            search_description=f"{title} at {spec.name}.",
            body=stream_value(ContentPage.body.field.stream_block, body),
        )
        page_add_published(parent=home, page=page)
        report.add("pages")
