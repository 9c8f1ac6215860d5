"""A hostile fixture set: contacts whose data is odd in every way the CRM could send.

Seeded next to the demo workspace with ``--hostile``, so a person can browse what the
dashboard does with bad link schemes, ids that are no URL segment, calendar-edge datetimes,
lone surrogates, markup and scripts in text, line breaks in one-line fields, huge values and
values that break their own input's constraints.
"""

from __future__ import annotations

from typing import Any, Final

from sandbox.definitions import ACCOUNT, CONTACT
from sandbox.records import RAW_CREATED_AT, RAW_HTTP_LINK, RAW_UPDATED_AT, Record
from sandbox.store import Edge, SeedData

# Newer than the demo workspace, so the hostile contacts lead the first page.
_NEWEST_MS: Final = 4_102_444_800_000  # 2100-01-01
SCRIPT: Final = "<script>alert('hostile')</script>"
IMG: Final = "<img src=x onerror=alert('hostile')>"


def _name(first: str, last: str | None = None) -> dict[str, str | None]:
    return {"firstName": first, "lastName": last}


_CONTACTS: Final[list[tuple[str, dict[str, Any]]]] = [
    (
        "con_hostile.link-schemes",
        {
            "$name": _name("Hostile", "Link schemes"),
            RAW_HTTP_LINK: " JaVaScRiPt:alert('open in lightfield')",
            "website": "javascript:alert('website')",
            "$linkedIn": "data:text/html,<script>alert(1)</script>",
            "$profilePhotoUrl": "\x01javascript:alert('photo')",
        },
    ),
    (
        "con_hostile with spaces and ünïcode",
        {
            "$name": _name("Hostile", "Id with spaces"),
            RAW_HTTP_LINK: "java\tscript:alert('tab')",
        },
    ),
    (
        "con_hostile.edge-datetimes",
        {
            "$name": _name("Hostile", "Edge datetimes"),
            "last-contacted": "0001-01-01T00:00:00+14:00",
            RAW_CREATED_AT: "0001-01-01T00:00:00+14:00",
            RAW_UPDATED_AT: "9999-12-31T23:59:59-12:00",
        },
    ),
    (
        "con_hostile.surrogates",
        {
            "$name": _name("Truncated emoji \ud83d", "\ude00"),
            "$title": "Head of \ud83d",
        },
    ),
    (
        "con_hostile.markup",
        {
            "$name": _name(SCRIPT, IMG),
            "$title": f'"><x-hostile>{SCRIPT}',
            "notes": f"[click me](javascript:alert(1)) {IMG}\n\n{SCRIPT}",
            "$address": {"street": SCRIPT, "city": IMG, "country": "ZZ"},
        },
    ),
    (
        "con_hostile.line-breaks",
        {
            "$name": _name("Hostile", "Line breaks"),
            "$title": "Line one\nline two\r\nline three\rline four",
        },
    ),
    (
        "con_hostile.huge-values",
        {
            "$name": _name("Hostile " + "x" * 3000, "Huge"),
            "lead-score": 2**60,
            "deal-size": 1.234,
            "$email": ["not-an-email", "ada@example"],
            "website": "not a url at all",
            "$address": {"city": "Nowhere", "latitude": 200.0, "longitude": -500.0},
        },
    ),
]

_ACCOUNTS: Final[list[tuple[str, dict[str, Any]]]] = [
    (
        "acc_hostile.dotted",
        {"$name": f"Dotted {SCRIPT}", RAW_HTTP_LINK: "javascript:alert('account')"},
    ),
    ("acc_hostile/slash", {"$name": "Slash in the id", RAW_HTTP_LINK: "//evil.example/x"}),
]


def hostile_workspace() -> SeedData:
    """Return the hostile contacts and accounts, every contact linked to both accounts."""
    records: list[Record] = []
    edges: list[Edge] = []
    for index, (account_id, fields) in enumerate(_ACCOUNTS):
        at = _NEWEST_MS - index * 1000
        records.append(Record(account_id, ACCOUNT.object_type, at, at, fields, {}))
    for index, (contact_id, fields) in enumerate(_CONTACTS):
        at = _NEWEST_MS - index * 1000
        records.append(Record(contact_id, CONTACT.object_type, at, at, fields, {}))
        edges.extend(("contact_account", contact_id, account_id) for account_id, _ in _ACCOUNTS)
    return SeedData(records, edges)


def with_hostile(workspace: SeedData) -> SeedData:
    """Return ``workspace`` plus the hostile fixture set."""
    extra = hostile_workspace()
    return SeedData([*workspace.records, *extra.records], [*workspace.edges, *extra.edges])
