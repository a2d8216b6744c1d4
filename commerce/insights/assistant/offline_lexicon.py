"""The offline planner's patterns: which words name which tool, a comparison, a follow-up, a
ranking, and the stores (over questions already normalised by :mod:`.offline_words`)."""

from __future__ import annotations

import re

# Tried in order: the first pattern found names the tool.
METRICS: tuple[tuple[str, str], ...] = (
    (
        "low_stock",
        r"low\s+(?:on\s+)?stock|low\s+inventory|running\s+(?:low|out)|out\s+of\s+stock|sold\s+out|restock\w*"
        r"|stock\s+(?:is\s+|running\s+)?low|almost\s+(?:gone|sold\s+out)|reorder\w*",
    ),
    (
        "stock_value",
        r"(?:stock|inventory)\s+(?:value|worth)|value\s+of\s+(?:our\s+|the\s+)?(?:stock|inventory)|worth\s+of\s+stock"
        r"|(?:stock|inventory)\s+(?:is\s+)?worth|units\s+on\s+hand|stock\s+on\s+hand|how\s+much\s+stock",
    ),
    (
        "returns",
        r"returns?|returned\s+(?:items?|goods|products|orders|units|parcels)|reasons?\s+for\s+returning"
        r"|sent\s+back|rma\w*",
    ),
    ("gift_card_liability", r"gift\s*cards?|outstanding\s+balances?|liabilit\w*|owed\s+on\s+cards"),
    ("top_categories", r"categor\w*"),
    ("top_collections", r"collections?"),
    (
        "discount_usage",
        r"(?:discount|coupon|promo)\s*(?:codes?\s+)?(?:usage|used|uses|redemptions?|redeemed)|which\s+(?:discounts|coupons|codes)"
        r"|most\s+used\s+(?:discounts?|codes?|coupons?)|(?:discount|coupon|promo)\s+codes?",
    ),
    (
        "sales_series",
        r"daily|weekly|monthly|(?:per|by|each|every)\s+(?:day|week|month)|day\s+by\s+day|week\s+by\s+week"
        r"|month\s+by\s+month|trend\w*|over\s+time|series|chart|graph|plot|breakdown\s+by\s+(?:day|week|month)",
    ),
    (
        "top_products",
        r"top(?:\s+\d+)?(?:\s+selling)?|best[\s-]*sell\w*|bestsell\w*|most\s+popular|best\s+performing"
        r"|most\s+sold|sold\s+(?:the\s+)?most|sold\s+best|best\s+products?|biggest\s+sellers?|rank\w*\s+products",
    ),
    (
        "customer_mix",
        r"new\s+(?:vs|versus|and|or)\s+returning|new\s+customers|returning\s+customers|repeat\s+(?:customers|buyers)"
        r"|first\s+time\s+(?:customers|buyers)|customer\s+mix|returning\s+buyers|how\s+many\s+customers|new\s+buyers",
    ),
    (
        "average_order_value",
        r"average\s+order(?:\s+value)?|aov|avg\s+order|average\s+(?:basket|spend|sale|order\s+size)"
        r"|basket\s+size|mean\s+order|average\s+value",
    ),
    ("units_sold", r"units|items\s+sold|how\s+many\s+items|products\s+sold|pieces|quantity|how\s+many\s+things"),
    ("refunds", r"refund\w*|money\s+back|returned\s+money"),
    ("shipping_charged", r"shipping|delivery(?:\s+(?:fees|charges|income))?|postage"),
    ("discounts_given", r"discount\w*|coupons?|promo(?:\s+codes?)?|money\s+off|markdowns?"),
    (
        "orders_count",
        r"how\s+many\s+(?:orders|sales|purchases|checkouts|transactions)|number\s+of\s+(?:orders|sales)"
        r"|order\s+count|orders\s+count|count\s+of\s+orders",
    ),
    ("revenue", r"revenue|sales|turnover|takings|income|earn\w*|made|make|money|gmv|sell|sold|sale"),
    ("orders_count", r"orders?|purchases|transactions"),
)
COMPILED_METRICS = tuple((name, re.compile(rf"\b(?:{pattern})\b")) for name, pattern in METRICS)
COMPARATOR = re.compile(
    r"(?<!new )(?<!new  )\b(?:vs|versus|compared\s+(?:to|with)|comparison\s+(?:to|with)|against|relative\s+to|than)\b"
)
LAST_YEAR = re.compile(
    r"\b(?:(?:the\s+)?same\s+(?:period|time|days?|week|month|quarter)\s+(?:of\s+|in\s+)?(?:last|previous|a)\s+year(?:\s+ago)?"
    r"|year\s+over\s+year|yoy|a\s+year\s+(?:ago|before|earlier)|last\s+year's\s+same\s+period)\b"
)
PREVIOUS = re.compile(
    r"\b(?:(?:the\s+)?(?:previous|prior|preceding)\s+period|(?:the\s+)?period\s+before|before\s+that|growth|grow\w*"
    r"|change[sd]?|up\s+or\s+down)\b"
)
SHIFT_BACK = re.compile(
    r"\b(?:the\s+)?(?P<unit>day|week|month|year|period|quarter)\s+before\b(?!\s+(?:last|yesterday))|\bprevious\s+one\b"
)
RERANK = re.compile(
    r"^\s*(?:and\s+|now\s+|what\s+about\s+|how\s+about\s+|ok\s+)?(?:rank\w*\s+)?by\s+(?:units|quantity|revenue|sales)\b"
)
TOP_N = re.compile(r"\b(?:top|best|first)\s+(?P<n>\d+)\b|\b(?P<m>\d+)\s+(?:best|top|most)\b")
SINGLE = re.compile(r"\b(?:top|best[\s-]*selling|best|most\s+popular|bestselling)\s+(?:product|item|seller)\b(?!s)")
BY_UNITS = re.compile(r"\bby\s+(?:units|quantity|volume)\b|\bmost\s+units\b|\bunits\s+sold\b|\bsold\s+the\s+most\b")
INTERVALS = {"day": r"daily|day", "week": r"weekly|week", "month": r"monthly|month"}
ALL_STORES = re.compile(r"\b(?:all|every|both|each)\s+(?:stores?|shops?)\b|\bacross\s+(?:the\s+)?(?:stores|shops)\b")
FOLLOW_UP = re.compile(r"^(?:and|what\s+about|how\s+about|same\s+for|now|ok|okay|also|just|only|then)\b")
# Words that alone do not name a store: "second" is a quarter, "may" a month, "top" a ranking.
AMBIGUOUS_NAME_WORDS = {"magpie", "shop", "store", "the", "and", "of", "first", "second", "third", "fourth", "next"}


def blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
