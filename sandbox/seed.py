"""Generate the deterministic demo workspace.

Everything derives from `random.Random(seed)` and fixed timestamps (records were "created"
between 2024-01-01 and 2026-03-01), never from the wall clock or hash randomisation, so the same
seed yields byte-identical data on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, TypeVar

from sandbox.definitions import (
    ACCOUNT,
    CONTACT,
    MEMBER_PREFIX,
    MEMBER_TYPE,
    OPPORTUNITY,
    ObjectSchema,
)
from sandbox.records import Record, format_timestamp
from sandbox.seed_data import (
    ACCOUNT_STEMS,
    ACCOUNT_SUFFIXES,
    BUSINESS_MODELS,
    CULTURES,
    JOB_TITLES,
    LEGAL_FORMS,
    MEMBERS,
    NEXT_STEPS,
    NOTES,
    PERSONAL_DOMAINS,
    PHONE_PATTERNS,
    PLACES,
    PRODUCTS,
    SHOWCASE_CONTACTS,
    SUMMARY_POINTS,
    WORKSPACE_DOMAIN,
    Culture,
)
from sandbox.store import Edge, SeedData
from sandbox.values import ADDRESS_KEYS

CONTACT_COUNT = 2143
ACCOUNT_COUNT = 320
OPPORTUNITY_COUNT = 310

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NOW_MS = 1_772_323_200_000  # 2026-03-01T00:00:00Z
DAY_MS = 86_400_000
_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
# Weighted like a real pipeline: most deals are early, a fifth are closed.
_STAGE_WEIGHTS = (30, 22, 16, 10, 12, 10)
_STAGE_PROBABILITY = (10, 25, 50, 75, 100, 0)

T = TypeVar("T")


def build_workspace(seed: int) -> SeedData:
    """Return the demo workspace for `seed`: members, accounts, contacts and opportunities."""
    return _Builder(seed).build()


def _option_ids(schema: ObjectSchema, key: str) -> list[str]:
    return [option.id for option in schema.fields[key].options]


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # A separate stream for ids, so that changing how values are drawn keeps ids stable.
        self.id_rng = random.Random(f"{seed}:ids")
        self.records: list[Record] = []
        self.edges: list[Edge] = []
        self.used_ids: set[str] = set()
        self.used_emails: set[str] = set()
        self.account_domains: dict[str, str] = {}
        self.account_countries: dict[str, str] = {}
        self.contacts_of: dict[str, list[str]] = {}

    def build(self) -> SeedData:
        members = self._members()
        accounts = self._accounts(members)
        self._contacts(accounts, members)
        self._opportunities(accounts, members)
        return SeedData(self.records, self.edges)

    # -- helpers ---------------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        while True:
            candidate = prefix + "_" + "".join(self.id_rng.choices(_ID_ALPHABET, k=24))
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def _times(self) -> tuple[int, int]:
        created = self.rng.randint(EPOCH_MS, NOW_MS - DAY_MS)
        updated = created + self.rng.randint(0, NOW_MS - created)
        return created, updated

    def _add(
        self, schema_type: str, record_id: str, times: tuple[int, int], fields: dict[str, Any]
    ) -> None:
        values = {key: value for key, value in fields.items() if value is not None}
        self.records.append(Record(record_id, schema_type, times[0], times[1], values, {}))

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
        digits = "".join(self.rng.choices("0123456789", k=7))
        return pattern.format(
            us_area=self._pick(("212", "415", "646", "312", "617", "206", "512")),
            ca_area=self._pick(("416", "604", "514")),
            d4="01" + digits[:2],
            d7=self._pick("2345") + digits[:6],
            d8=self._pick("2345") + digits,
        )

    def _address(self, country: str, *, partial: bool = False) -> dict[str, Any]:
        place = self._pick(PLACES.get(country, PLACES["US"]))
        if partial:
            return dict.fromkeys(ADDRESS_KEYS) | {"city": place.city, "country": place.country}
        return {
            "street": f"{self._pick(place.streets)} {self.rng.randint(1, 240)}",
            "street2": self._pick(("Suite 300", "3. OG", "Floor 12", "Unit 4B"))
            if self._chance(0.15)
            else None,
            "city": place.city,
            "state": place.state,
            "postalCode": place.postal_code,
            "country": place.country,
            # Spread addresses around the city centre (about ±5 km).
            "latitude": round(place.latitude + self.rng.uniform(-0.05, 0.05), 4),
            "longitude": round(place.longitude + self.rng.uniform(-0.05, 0.05), 4),
        }

    def _markdown(self, points: Sequence[str], k: int) -> str:
        chosen = self.rng.sample(list(points), k=k)
        return "**Highlights**\n\n" + "\n".join(f"- {point}" for point in chosen)

    def _datetime_between(self, start: int, end: int) -> str:
        return format_timestamp(self.rng.randint(start, max(start, end)))

    # -- members ---------------------------------------------------------------------------

    def _members(self) -> list[str]:
        ids: list[str] = []
        for index, (first, last, local, role, image) in enumerate(MEMBERS):
            member_id = self._id(MEMBER_PREFIX)
            created = EPOCH_MS - (len(MEMBERS) - index) * DAY_MS
            self._add(
                MEMBER_TYPE,
                member_id,
                (created, created + index * DAY_MS),
                {
                    "$email": f"{local}@{WORKSPACE_DOMAIN}",
                    "$name": {"firstName": first, "lastName": last},
                    "$profileImage": image or None,
                    "$role": role,
                },
            )
            ids.append(member_id)
        return ids

    # -- accounts --------------------------------------------------------------------------

    def _accounts(self, members: list[str]) -> list[str]:
        combos = [(stem, suffix) for stem in ACCOUNT_STEMS for suffix in ACCOUNT_SUFFIXES]
        self.rng.shuffle(combos)
        ids: list[str] = []
        for (name, slug, country), suffix in combos[:ACCOUNT_COUNT]:
            account_id = self._id(ACCOUNT.id_prefix)
            domain = f"{slug}-{suffix.lower()}.example"
            self.account_domains[account_id] = domain
            self.account_countries[account_id] = country
            legal = self._pick(LEGAL_FORMS[country]) if self._chance(0.6) else ""
            self._add(
                ACCOUNT.object_type,
                account_id,
                self._times(),
                self._account_fields(
                    f"{name} {suffix} {legal}".strip(), slug, suffix, domain, country
                ),
            )
            if self._chance(0.85):
                self.edges.append(("account_owner", account_id, self._pick(members)))
            ids.append(account_id)
        return ids

    def _account_fields(
        self, name: str, slug: str, suffix: str, domain: str, country: str
    ) -> dict[str, Any]:
        handle = f"{slug}{suffix}".lower().replace("-", "")
        websites = [f"https://www.{domain}"] + (
            [f"https://shop.{domain}"] if self._chance(0.2) else []
        )
        return {
            "$name": name,
            "$website": websites,
            "$industry": self.rng.sample(
                _option_ids(ACCOUNT, "$industry"), k=self.rng.randint(1, 3)
            ),
            "$headcount": self._pick(_option_ids(ACCOUNT, "$headcount")),
            "$lastFundingType": self._pick(_option_ids(ACCOUNT, "$lastFundingType"))
            if self._chance(0.6)
            else None,
            "$primaryAddress": self._address(country) if self._chance(0.8) else None,
            "$linkedIn": f"https://linkedin.com/company/{slug}-{suffix.lower()}"
            if self._chance(0.7)
            else None,
            "$twitter": f"https://x.com/{handle}" if self._chance(0.4) else None,
            "$facebook": f"https://facebook.com/{handle}" if self._chance(0.2) else None,
            "$instagram": f"https://www.instagram.com/{handle}" if self._chance(0.15) else None,
            "$howTheyMakeMoney": self._pick(BUSINESS_MODELS) if self._chance(0.5) else None,
            "$accountStatus": self._pick(_option_ids(ACCOUNT, "$accountStatus"))
            if self._chance(0.9)
            else None,
            "tier": self._pick(_option_ids(ACCOUNT, "tier")) if self._chance(0.6) else None,
            "annual-revenue": self.rng.randrange(100_000, 50_000_000, 10_000)
            if self._chance(0.5)
            else None,
        }

    # -- contacts --------------------------------------------------------------------------

    def _contacts(self, accounts: list[str], members: list[str]) -> None:
        by_country: dict[str, list[str]] = {}
        for account_id in accounts:
            by_country.setdefault(self.account_countries[account_id], []).append(account_id)
        cultures = list(CULTURES.values())
        weights = [culture.weight for culture in cultures]

        for index, (first, last, first_a, last_a, country) in enumerate(SHOWCASE_CONTACTS):
            account = self._pick(by_country.get(country, accounts))
            created = NOW_MS - (index + 1) * 3_600_000
            self._contact(
                (first, last, first_a, last_a, country),
                [account],
                self._pick(members),
                (created, created + 1_800_000),
                everything=True,
            )

        for _ in range(CONTACT_COUNT - len(SHOWCASE_CONTACTS)):
            culture: Culture = self.rng.choices(cultures, weights)[0]
            (first, first_a), (last, last_a) = (
                self._pick(culture.first_names),
                self._pick(culture.last_names),
            )
            country = self._pick(culture.countries)
            linked: list[str] = []
            roll = self.rng.random()
            if roll < 0.93:
                local = by_country.get(country)
                linked.append(
                    self._pick(local) if local and self._chance(0.6) else self._pick(accounts)
                )
                if roll < 0.05:
                    second = self._pick(accounts)
                    if second not in linked:
                        linked.append(second)
            owner = self._pick(members) if self._chance(0.8) else None
            self._contact((first, last, first_a, last_a, country), linked, owner, self._times())

    def _contact(
        self,
        name: tuple[str, str, str, str, str],
        accounts: list[str],
        owner: str | None,
        times: tuple[int, int],
        *,
        everything: bool = False,
    ) -> None:
        first, last, first_a, last_a, _ = name
        contact_id = self._id(CONTACT.id_prefix)
        domain = self.account_domains[accounts[0]] if accounts else self._pick(PERSONAL_DOMAINS)
        email = self._email(f"{first_a}.{last_a}", domain)
        sparse = None if everything else self.rng.random()
        if sparse is not None and sparse < 0.03:
            # Sparse record: only a name, nothing else, no links.
            self._add(CONTACT.object_type, contact_id, times, {"$name": _full_name(first, last)})
            return
        if sparse is not None and sparse < 0.06:
            self._add(CONTACT.object_type, contact_id, times, {"$email": [email]})
            return
        fields = self._contact_fields(contact_id, name, email, times, everything=everything)
        self._add(CONTACT.object_type, contact_id, times, fields)
        for account_id in accounts:
            self.edges.append(("contact_account", contact_id, account_id))
            self.contacts_of.setdefault(account_id, []).append(contact_id)
        if owner is not None:
            self.edges.append(("contact_owner", contact_id, owner))

    def _contact_fields(
        self,
        contact_id: str,
        name: tuple[str, str, str, str, str],
        email: str,
        times: tuple[int, int],
        *,
        everything: bool,
    ) -> dict[str, Any]:
        first, last, first_a, last_a, country = name

        def maybe(probability: float) -> bool:
            return everything or self._chance(probability)

        handle = f"{first_a}-{last_a}".lower().replace(" ", "").replace("'", "")
        emails = [email]
        if maybe(0.15):
            emails.append(self._email(f"{first_a}{last_a[:1]}", self._pick(PERSONAL_DOMAINS)))
        phones: list[str] = []
        if maybe(0.65):
            phones.append(self._phone(country))
            if maybe(0.1):
                phones[0] += f";ext={self.rng.randint(10, 999)}"
            if maybe(0.1):
                # A number kept as typed: local digits without a country.
                phones.append(str(self.rng.randint(2_000_000, 9_999_999)))
        fields: dict[str, Any] = {
            "$name": _full_name(first, None if self._chance(0.02) and not everything else last),
            "$email": emails,
            "$phone": phones or None,
            "$title": self._pick(JOB_TITLES) if maybe(0.75) else None,
            "$address": self._address(country, partial=not everything and self._chance(0.2))
            if maybe(0.5)
            else None,
            "$linkedIn": f"https://linkedin.com/in/{handle}-{self.rng.randint(100, 999)}"
            if maybe(0.55)
            else None,
            "$twitter": f"https://x.com/{handle.replace('-', '_')}" if maybe(0.2) else None,
            "$profilePhotoUrl": f"https://avatars.example/contacts/{contact_id}.jpg"
            if maybe(0.3)
            else None,
            "$doNotContact": self._do_not_contact(everything),
            "$summary": self._markdown(SUMMARY_POINTS, 3) if maybe(0.45) else None,
            "lifecycle-stage": self._pick(_option_ids(CONTACT, "lifecycle-stage"))
            if maybe(0.85)
            else None,
            "interests": self.rng.sample(
                _option_ids(CONTACT, "interests"), k=self.rng.randint(1, 4)
            )
            if maybe(0.6)
            else None,
            "deal-size": self._money(1_000, 250_000) if maybe(0.45) else None,
            "lead-score": self._score() if maybe(0.7) else None,
            "newsletter": self._chance(0.4) if maybe(0.8) else None,
            "last-contacted": self._datetime_between(times[0], NOW_MS) if maybe(0.65) else None,
            "notes": self._pick(NOTES) if maybe(0.2) else None,
            "website": f"https://{first_a}{last_a}.example".lower().replace(" ", "")
            if maybe(0.12)
            else None,
            "enrichment-score": self.rng.randint(20, 99) if maybe(0.55) else None,
        }
        return fields

    def _do_not_contact(self, everything: bool) -> bool | None:
        roll = self.rng.random()
        if roll < 0.06:
            return True
        if roll < 0.85 or everything:
            return False
        return None

    def _money(self, low: int, high: int) -> int | float:
        if self._chance(0.5):
            return self.rng.randrange(low, high, 500)
        return round(self.rng.uniform(low, high), 2)

    def _score(self) -> int | float:
        if self._chance(0.8):
            return self.rng.randint(0, 100)
        return round(self.rng.uniform(0, 100), 1)

    # -- opportunities ---------------------------------------------------------------------

    def _opportunities(self, accounts: list[str], members: list[str]) -> None:
        with_contacts = [a for a in accounts if self.contacts_of.get(a)]
        stages = _option_ids(OPPORTUNITY, "$stage")
        statuses = dict(
            zip(
                ("Open", "Won", "Lost"), _option_ids(OPPORTUNITY, "$opportunityStatus"), strict=True
            )
        )
        names = {
            record.id: record.fields["$name"]
            for record in self.records
            if record.id in self.account_domains
        }
        for _ in range(OPPORTUNITY_COUNT):
            account_id = self._pick(with_contacts) if self._chance(0.9) else self._pick(accounts)
            opportunity_id = self._id(OPPORTUNITY.id_prefix)
            stage_index = self.rng.choices(range(len(stages)), _STAGE_WEIGHTS)[0]
            status = "Won" if stage_index == 4 else "Lost" if stage_index == 5 else "Open"
            times = self._times()
            fields = {
                "$name": f"{names[account_id]} \N{EN DASH} {self._pick(PRODUCTS)}",
                "$stage": stages[stage_index],
                "$amount": self._money(5_000, 500_000) if self._chance(0.9) else None,
                "$closeDate": self._datetime_between(times[0], NOW_MS + 180 * DAY_MS)
                if self._chance(0.85)
                else None,
                "$opportunityStatus": statuses[status],
                "$summary": self._markdown(SUMMARY_POINTS, 2) if self._chance(0.4) else None,
                "probability": _STAGE_PROBABILITY[stage_index],
                "next-step": self._pick(NEXT_STEPS) if self._chance(0.5) else None,
            }
            self._add(OPPORTUNITY.object_type, opportunity_id, times, fields)
            self.edges.append(("opportunity_account", opportunity_id, account_id))
            self.edges.append(("opportunity_created_by", opportunity_id, self._pick(members)))
            if self._chance(0.9):
                self.edges.append(("opportunity_owner", opportunity_id, self._pick(members)))
            people = self.contacts_of.get(account_id, [])
            involved = self.rng.sample(people, k=min(len(people), self.rng.randint(1, 3)))
            for contact_id in involved:
                self.edges.append(("contact_opportunity", contact_id, opportunity_id))
            if involved and self._chance(0.6):
                self.edges.append(("opportunity_champion", opportunity_id, involved[0]))
            if len(involved) > 1 and self._chance(0.5):
                self.edges.append(("opportunity_evaluator", opportunity_id, involved[1]))


def _full_name(first: str, last: str | None) -> dict[str, str | None]:
    return {"firstName": first, "lastName": last}
