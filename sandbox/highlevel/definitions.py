"""The demo location's fixed vocabulary: custom field definitions, tag names and users.

Ids are drawn from `random.Random(f"{seed}:…")` so that one seed always yields the same ids; the
definitions are stored with the seeded data, so a database keeps the ids it was seeded with.
"""

from __future__ import annotations

import random
import string
from typing import Any

from sandbox.seed_data import MEMBERS

_ID_ALPHABET = string.ascii_letters + string.digits
USER_DOMAIN = "highlevel-demo.example"

DATA_TYPES = (
    "TEXT",
    "LARGE_TEXT",
    "NUMERICAL",
    "PHONE",
    "MONETORY",
    "CHECKBOX",
    "SINGLE_OPTIONS",
    "RADIO",
    "MULTIPLE_OPTIONS",
    "DATE",
    "EMAIL",
    "TEXTBOX_LIST",
    "FILE_UPLOAD",
)
# Data types whose values must be one (or several) of the definition's `picklistOptions`.
SINGLE_CHOICE = frozenset({"SINGLE_OPTIONS", "RADIO"})
MULTI_CHOICE = frozenset({"CHECKBOX", "MULTIPLE_OPTIONS"})

# (name, key without "contact.", dataType, placeholder, options, model)
_FIELDS: tuple[tuple[str, str, str, str, tuple[str, ...], str], ...] = (
    ("Job Title", "job_title", "TEXT", "e.g. Head of Sales", (), "contact"),
    ("Background", "background", "LARGE_TEXT", "How we met, what they need", (), "contact"),
    ("Lead Score", "lead_score", "NUMERICAL", "0-100", (), "contact"),
    ("Assistant Phone", "assistant_phone", "PHONE", "+1 555 0100", (), "contact"),
    ("Deal Size", "deal_size", "MONETORY", "Expected value in USD", (), "contact"),
    (
        "Interests",
        "interests",
        "CHECKBOX",
        "",
        ("Analytics", "Automation", "Integrations", "Mobile app", "Reporting", "Security"),
        "contact",
    ),
    (
        "Lifecycle Stage",
        "lifecycle_stage",
        "SINGLE_OPTIONS",
        "",
        ("Subscriber", "Lead", "Marketing qualified", "Sales qualified", "Customer", "Evangelist"),
        "contact",
    ),
    (
        "Preferred Channel",
        "preferred_channel",
        "RADIO",
        "",
        ("Email", "Phone", "SMS", "WhatsApp"),
        "contact",
    ),
    (
        "Products of Interest",
        "products_of_interest",
        "MULTIPLE_OPTIONS",
        "",
        ("Starter", "Growth", "Enterprise", "Add-on: SSO", "Add-on: Audit log"),
        "contact",
    ),
    ("Last Contacted", "last_contacted", "DATE", "YYYY-MM-DD", (), "contact"),
    ("Billing Email", "billing_email", "EMAIL", "billing@company.example", (), "contact"),
    (
        "Social Profiles",
        "social_profiles",
        "TEXTBOX_LIST",
        "",
        ("LinkedIn", "X", "GitHub"),
        "contact",
    ),
    ("Signed NDA", "signed_nda", "FILE_UPLOAD", "", (), "contact"),
    ("Preferred Language", "preferred_language", "TEXT", "e.g. Deutsch", (), "contact"),
    ("Competitor", "competitor", "TEXT", "Who else they evaluate", (), "opportunity"),
    ("Contract Term", "contract_term", "NUMERICAL", "Months", (), "opportunity"),
)

TAG_NAMES: tuple[str, ...] = (
    "vip",
    "customer",
    "prospect",
    "partner",
    "reseller",
    "investor",
    "press",
    "hot lead",
    "warm lead",
    "cold lead",
    "newsletter",
    "webinar 2025",
    "webinar 2026",
    "trade show berlin",
    "saastr",
    "demo booked",
    "demo no-show",
    "trial",
    "trial expired",
    "churned",
    "win-back",
    "renewal q1",
    "renewal q3",
    "upsell",
    "decision maker",
    "champion",
    "technical buyer",
    "procurement",
    "emea",
    "apac",
    "amer",
    "latam",
    "enterprise",
    "mid-market",
    "smb",
    "referral",
    "inbound",
    "outbound",
    "api user",
    "sso",
    "gdpr consent",
    "do not email",
    "café owners",
    "österreich",
    "日本市場",
    "عملاء الخليج",
)


def make_id(rng: random.Random) -> str:
    """Return a 20-character alphanumeric id, the shape HighLevel uses."""
    return "".join(rng.choices(_ID_ALPHABET, k=20))


def custom_field_definitions(seed: int, location_id: str) -> list[dict[str, Any]]:
    """Return the location's custom field definitions as `GET …/customFields` shows them."""
    rng = random.Random(f"{seed}:custom-fields")
    definitions = []
    for position, (name, key, data_type, placeholder, options, model) in enumerate(_FIELDS):
        definition: dict[str, Any] = {
            "id": make_id(rng),
            "name": name,
            "fieldKey": f"{model}.{key}",
            "placeholder": placeholder,
            "dataType": data_type,
            "position": position * 50,
            "isAllowedCustomOption": False,
            "isMultiFileAllowed": False,
            "maxFileLimit": 1 if data_type == "FILE_UPLOAD" else 0,
            "locationId": location_id,
            "model": model,
        }
        if data_type == "TEXTBOX_LIST":
            definition["picklistOptions"] = []
            definition["textBoxListOptions"] = [
                {"label": label, "prefillValue": ""} for label in options
            ]
        else:
            definition["picklistOptions"] = list(options)
        definition["picklistImageOptions"] = []
        definitions.append(definition)
    return definitions


def users(seed: int, location_id: str) -> list[dict[str, Any]]:
    """Return the location's users (the owners and followers a contact can have)."""
    rng = random.Random(f"{seed}:users")
    result = []
    for index, (first, last, local, role, _image) in enumerate(MEMBERS):
        result.append(
            {
                "id": make_id(rng),
                "name": f"{first} {last}",
                "firstName": first,
                "lastName": last,
                "email": f"{local}@{USER_DOMAIN}",
                "phone": f"+1415555{index:04d}",
                "extension": "",
                "roles": {
                    "type": "account",
                    "role": "admin" if role == "Admin" else "user",
                    "locationIds": [location_id],
                },
                "deleted": False,
            }
        )
    return result


def location(location_id: str) -> dict[str, Any]:
    """Return the location (sub-account) itself, with the settings the dashboard reads."""
    return {
        "id": location_id,
        "companyId": "SandboxDemoAgency001",
        "name": "Sandbox Demo Sales",
        "domain": "sandbox-demo.highlevel.example",
        "address": "500 Market St",
        "city": "San Francisco",
        "state": "CA",
        "country": "US",
        "postalCode": "94105",
        "website": "https://sandbox-demo.highlevel.example",
        "timezone": "America/Los_Angeles",
        "firstName": "Alex",
        "lastName": "Rivera",
        "email": f"alex.rivera@{USER_DOMAIN}",
        "phone": "+14155550100",
        "settings": {
            "allowDuplicateContact": False,
            "allowDuplicateOpportunity": False,
            "allowFacebookNameMerge": False,
            "disableContactTimezone": False,
        },
    }
