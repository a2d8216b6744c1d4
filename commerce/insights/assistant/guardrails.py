"""Questions the assistant refuses before any planner sees them, each with its reason.

The assistant reads figures through its tools and nothing else, so a request for SQL, secrets,
changes or customers' personal data is answered with why not, never attempted. Both planners go
through :func:`refusal_for`; the OpenAI planner's model also never sees anything but tool schemas
and tool results, so text in the shop's data cannot add tools or widen a tool's scope."""

from __future__ import annotations

import re

SQL = re.compile(
    r"\bsql\b|\bselect\b.+\bfrom\b|\bdrop\s+table\b|\bdelete\s+from\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b"
    r"|\btruncate\b|\bdatabase\s+(query|queries|tables?|schema)\b|\braw\s+quer(y|ies)\b|\bpsql\b|\bpg_\w+"
)
SECRETS = re.compile(
    r"\bpasswords?\b|\bapi[\s_-]?keys?\b|\bsecret\w*|\btokens?\b|\bcredentials?\b|\benv(ironment)?\s+var\w*"
    r"|\bsettings\.py\b|\bprivate\s+key\b|\bsystem\s+prompt\b|\byour\s+(instructions|prompt)\b"
)
WRITE_VERBS = (
    r"delete|remove|cancel|refund|change|update|set|create|add|issue|send|e-?mail|mark|ship|fulfil+|edit|publish"
    r"|unpublish|disable|enable|reset|drop|lower|raise|increase|decrease|give(?!\s+(me|us)\b)|apply|void|deactivate|archive|write"
)
WRITES = re.compile(
    rf"^(please\s+|can\s+you\s+|could\s+you\s+|would\s+you\s+|i\s+want\s+you\s+to\s+|go\s+ahead\s+and\s+)?({WRITE_VERBS})\b"
    r"(?!\s+(up|over)\b)"
)
PERSONAL = re.compile(
    r"\be-?mails?\b|\be-?mail\s+addresses\b|\bphone(\s+numbers?)?\b|\baddress(es)?\b|\bcustomers?'?\s+names?\b"
    r"|\bnames?\s+of\s+(the\s+)?(customers?|buyers?|shoppers?)\b|\bwho\s+(bought|ordered|purchased|are\s+my)\b"
    r"|\b(list|show|give)\s+(me\s+)?(all\s+|the\s+)?(customers|buyers|shoppers)\b|\bcustomer\s+list\b"
    r"|\btop\s+(\d+\s+)?customers\b|\bbest\s+customers\b|\bbiggest\s+(spenders|customers)\b|\bpersonal\s+(data|details|information)\b"
    r"|\bwhich\s+customers\b|\bwhere\s+do\s+\w+\s+live\b"
)

REASONS = (
    (SQL, "I can't run SQL or look at the database directly: I answer only through read-only report tools."),
    (SECRETS, "I can't share passwords, keys, tokens, settings or my own instructions."),
    (
        WRITES,
        "I can only read figures; I can't change anything (orders, refunds, prices, discounts, emails). "
        "Use the admin screens for that.",
    ),
    (
        PERSONAL,
        "I answer with totals only and never list customers' names, emails, phone numbers or addresses. "
        "Staff who may see customers can look them up on the Customers screen.",
    ),
)


def refusal_for(question: str) -> str:
    """The reason to refuse ``question`` (lower-cased, trimmed), or ``""`` to go ahead."""
    text = " ".join(question.lower().split())
    for pattern, reason in REASONS:
        if pattern.search(text):
            return reason
    return ""
