"""Generate the deterministic demo location: ≥ 2,000 contacts, users, tags and custom fields.

Everything derives from `random.Random(seed)` and fixed timestamps (contacts were "added"
between 2024-01-01 and 2026-03-01), so one seed yields identical data on every machine. Names,
places and phone patterns are the Lightfield sandbox's (`sandbox.seed_data`).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sandbox.highlevel.definitions import (
    TAG_NAMES,
    custom_field_definitions,
    location,
    make_id,
    users,
)
from sandbox.highlevel.store import Contact, SeedLocation
from sandbox.seed_data import (
    ACCOUNT_STEMS,
    ACCOUNT_SUFFIXES,
    CULTURES,
    JOB_TITLES,
    NOTES,
    PERSONAL_DOMAINS,
    PHONE_PATTERNS,
    PLACES,
    SHOWCASE_CONTACTS,
)

CONTACT_COUNT = 2143
EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NOW_MS = 1_772_323_200_000  # 2026-03-01T00:00:00Z
DAY_MS = 86_400_000
# One IANA zone per seeded country (the country's most populous one).
TIMEZONES = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "GB": "Europe/London",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "ES": "Europe/Madrid",
    "MX": "America/Mexico_City",
    "JP": "Asia/Tokyo",
    "CN": "Asia/Shanghai",
    "KR": "Asia/Seoul",
    "IL": "Asia/Jerusalem",
    "AE": "Asia/Dubai",
    "EG": "Africa/Cairo",
    "BR": "America/Sao_Paulo",
    "PT": "Europe/Lisbon",
    "IN": "Asia/Kolkata",
    "SE": "Europe/Stockholm",
    "PL": "Europe/Warsaw",
    "VN": "Asia/Ho_Chi_Minh",
    "AU": "Australia/Sydney",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
    "GR": "Europe/Athens",
}
SOURCES = ("public api", "web form", "facebook lead ad", "manual", "csv import", "referral")
DND_CHANNELS = ("Call", "Email", "SMS", "WhatsApp", "GMB", "FB")

T = TypeVar("T")


def build_location(seed: int, location_id: str) -> SeedLocation:
    """Return the demo location for `seed`."""
    return _Builder(seed, location_id).build()


class _Builder:
    def __init__(self, seed: int, location_id: str) -> None:
        self.rng = random.Random(seed)
        # A separate stream for ids, so that changing how values are drawn keeps ids stable.
        self.id_rng = random.Random(f"{seed}:contact-ids")
        self.location_id = location_id
        self.users = users(seed, location_id)
        self.definitions = custom_field_definitions(seed, location_id)
        self.field_ids = {
            d["fieldKey"].removeprefix("contact."): d["id"]
            for d in self.definitions
            if d["model"] == "contact"
        }
        self.options = {d["id"]: d["picklistOptions"] for d in self.definitions}
        tag_rng = random.Random(f"{seed}:tags")
        self.tags = [
            {"id": make_id(tag_rng), "name": name, "locationId": location_id} for name in TAG_NAMES
        ]
        self.tag_names = [tag["name"] for tag in self.tags]
        self.user_ids = [user["id"] for user in self.users]
        self.used_ids: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.companies = [
            (f"{stem} {suffix}", f"{slug}-{suffix.lower()}.example")
            for stem, slug, _ in ACCOUNT_STEMS
            for suffix in ACCOUNT_SUFFIXES
        ]

    def build(self) -> SeedLocation:
        contacts: list[Contact] = []
        for index, (first, last, first_a, last_a, country) in enumerate(SHOWCASE_CONTACTS):
            added = NOW_MS - (index + 1) * 3_600_000
            name = (first, last, first_a, last_a, country)
            contacts.append(self._contact(name, added, everything=True))
        cultures = list(CULTURES.values())
        weights = [culture.weight for culture in cultures]
        for _ in range(CONTACT_COUNT - len(SHOWCASE_CONTACTS)):
            culture = self.rng.choices(cultures, weights)[0]
            (first, first_a), (last, last_a) = (
                self._pick(culture.first_names),
                self._pick(culture.last_names),
            )
            name = (first, last, first_a, last_a, self._pick(culture.countries))
            contacts.append(self._contact(name, self.rng.randint(EPOCH_MS, NOW_MS - DAY_MS)))
        return SeedLocation(
            location=location(self.location_id),
            users=self.users,
            custom_fields=self.definitions,
            tags=self.tags,
            contacts=contacts,
        )

    # -- helpers ---------------------------------------------------------------------------

    def _pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _id(self) -> str:
        while True:
            candidate = make_id(self.id_rng)
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def _email(self, local: str, domain: str) -> str:
        local = "".join(ch for ch in local.lower() if ch.isalnum() or ch in ".-")
        address, n = f"{local}@{domain}", 1
        while address in self.used_emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.used_emails.add(address)
        return address

    def _phone(self, country: str) -> str:
        pattern = PHONE_PATTERNS.get(country, PHONE_PATTERNS["US"])
        while True:
            digits = "".join(self.rng.choices("0123456789", k=7))
            phone = pattern.format(
                us_area=self._pick(("212", "415", "646", "312", "617", "206", "512")),
                ca_area=self._pick(("416", "604", "514")),
                d4="01" + digits[:2],
                d7=self._pick("2345") + digits[:6],
                d8=self._pick("2345") + digits,
            )
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    # -- contacts --------------------------------------------------------------------------

    def _contact(
        self, name: tuple[str, str, str, str, str], added: int, *, everything: bool = False
    ) -> Contact:
        first, last, first_a, last_a, country = name
        contact: Contact = {
            "id": self._id(),
            "dateAdded": added,
            "dateUpdated": added + self.rng.randint(0, NOW_MS - added),
            "type": "customer" if self._chance(0.3) else "lead",
            "dnd": False,
            "tags": [],
            "followers": [],
            "customFields": {},
        }
        sparse = None if everything else self.rng.random()
        if sparse is not None and sparse < 0.03:
            # Sparse records: a name only, or an email only.
            contact["firstName"] = first
            return contact
        company, domain = self._pick(self.companies)
        email = self._email(
            f"{first_a}.{last_a}", domain if self._chance(0.7) else self._pick(PERSONAL_DOMAINS)
        )
        if sparse is not None and sparse < 0.06:
            contact["email"] = email
            return contact

        def maybe(probability: float) -> bool:
            return everything or self._chance(probability)

        place = self._pick(PLACES.get(country, PLACES["US"]))
        values: dict[str, Any] = {
            "firstName": first,
            "lastName": last if everything or not self._chance(0.02) else None,
            "email": email,
            "additionalEmails": [
                self._email(f"{first_a}{last_a[:1]}", self._pick(PERSONAL_DOMAINS))
            ]
            if maybe(0.1)
            else None,
            "phone": self._phone(country) if maybe(0.7) else None,
            "companyName": company if maybe(0.75) else None,
            "address1": f"{self._pick(place.streets)} {self.rng.randint(1, 240)}"
            if maybe(0.5)
            else None,
            "city": place.city if maybe(0.6) else None,
            "state": place.state if place.state and maybe(0.55) else None,
            "postalCode": place.postal_code if maybe(0.5) else None,
            "country": country if maybe(0.8) else None,
            "website": f"https://www.{domain}" if maybe(0.2) else None,
            "timezone": TIMEZONES.get(country) if maybe(0.7) else None,
            "dnd": self._chance(0.06),
            "dateOfBirth": self._birthday() if maybe(0.3) else None,
            "source": self._pick(SOURCES) if maybe(0.8) else None,
            "assignedTo": self._pick(self.user_ids) if maybe(0.8) else None,
            "followers": self.rng.sample(self.user_ids, k=self.rng.randint(1, 3))
            if maybe(0.25)
            else [],
            "tags": self.rng.sample(self.tag_names, k=self.rng.randint(1, 5)) if maybe(0.7) else [],
        }
        if contact["type"] == "customer" and maybe(0.5):
            values["dndSettings"] = {
                channel: {"status": "active" if channel == "SMS" else "inactive", "message": ""}
                for channel in DND_CHANNELS
            }
        if maybe(0.2):
            values["attributionSource"] = {
                "url": f"https://www.{domain}/contact",
                "medium": self._pick(("form", "survey", "chat_widget")),
                "utmSource": self._pick(("google", "linkedin", "newsletter")),
                "sessionSource": "Direct traffic",
            }
        contact.update({key: value for key, value in values.items() if value is not None})
        contact["customFields"] = self._custom_values(first_a, last_a, domain, contact, everything)
        return contact

    def _birthday(self) -> str:
        day = datetime(1950, 1, 1, tzinfo=UTC) + timedelta(days=self.rng.randint(0, 18_000))
        return day.strftime("%Y-%m-%d")

    def _custom_values(
        self, first_a: str, last_a: str, domain: str, contact: Contact, everything: bool
    ) -> dict[str, Any]:
        def maybe(probability: float) -> bool:
            return everything or self._chance(probability)

        ids = self.field_ids
        handle = f"{first_a}{last_a}".lower().replace(" ", "").replace("'", "")
        values: dict[str, Any] = {
            "job_title": self._pick(JOB_TITLES) if maybe(0.7) else None,
            "background": self._pick(NOTES) if maybe(0.2) else None,
            "lead_score": self.rng.randint(0, 100) if maybe(0.6) else None,
            "assistant_phone": self._phone("US") if maybe(0.1) else None,
            "deal_size": round(self.rng.uniform(1_000, 250_000), 2) if maybe(0.4) else None,
            "interests": sorted(
                self.rng.sample(self.options[ids["interests"]], k=self.rng.randint(1, 3))
            )
            if maybe(0.5)
            else None,
            "lifecycle_stage": self._pick(self.options[ids["lifecycle_stage"]])
            if maybe(0.8)
            else None,
            "preferred_channel": self._pick(self.options[ids["preferred_channel"]])
            if maybe(0.5)
            else None,
            "products_of_interest": self.rng.sample(
                self.options[ids["products_of_interest"]], k=self.rng.randint(1, 2)
            )
            if maybe(0.4)
            else None,
            "last_contacted": datetime.fromtimestamp(
                self.rng.randint(contact["dateAdded"], NOW_MS) // 1000, UTC
            ).strftime("%Y-%m-%d")
            if maybe(0.6)
            else None,
            "billing_email": f"billing@{domain}" if maybe(0.15) else None,
            "social_profiles": {"LinkedIn": f"https://linkedin.com/in/{handle}"}
            | ({"X": f"https://x.com/{handle}"} if self._chance(0.3) else {})
            if maybe(0.3)
            else None,
            "signed_nda": self._file(contact["id"]) if maybe(0.05) else None,
            "preferred_language": self._pick(
                ("English", "Deutsch", "Français", "日本語", "العربية")
            )
            if maybe(0.3)
            else None,
        }
        return {ids[key]: value for key, value in values.items() if value is not None}

    def _file(self, contact_id: str) -> dict[str, Any]:
        file_uuid = str(uuid.UUID(int=self.id_rng.getrandbits(128), version=4))
        document_id = make_id(self.id_rng)
        return {
            file_uuid: {
                "meta": {
                    "fieldname": self.field_ids["signed_nda"],
                    "originalname": f"nda-{contact_id[:6].lower()}.pdf",
                    "encoding": "7bit",
                    "mimetype": "application/pdf",
                    "size": self.rng.randint(40_000, 900_000),
                    "uuid": file_uuid,
                },
                "url": f"https://files.highlevel-demo.example/documents/download/{document_id}",
                "documentId": document_id,
            }
        }
