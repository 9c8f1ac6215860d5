"""The demo workspace's schema: field and relationship definitions per object type.

Definitions are code, not data: the sandbox has no endpoint to change them, and ids derive from
the keys so they are stable across restarts and machines.

Relationships are stored as edges of a `Relation` (e.g. contact ↔ account); each side that is
visible on a record is a `RelationshipDef` pointing at the relation and the side it reads, so the
two sides of an inverse pair can never disagree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class ValueType(StrEnum):
    ADDRESS = "ADDRESS"
    CHECKBOX = "CHECKBOX"
    CURRENCY = "CURRENCY"
    DATETIME = "DATETIME"
    EMAIL = "EMAIL"
    FULL_NAME = "FULL_NAME"
    MARKDOWN = "MARKDOWN"
    MULTI_SELECT = "MULTI_SELECT"
    NUMBER = "NUMBER"
    SINGLE_SELECT = "SINGLE_SELECT"
    SOCIAL_HANDLE = "SOCIAL_HANDLE"
    TELEPHONE = "TELEPHONE"
    TEXT = "TEXT"
    URL = "URL"


Cardinality = Literal["HAS_ONE", "HAS_MANY"]
Side = Literal["source", "target"]


def stable_id(prefix: str, *parts: str) -> str:
    """Derive a deterministic, opaque id from the parts that identify a schema element."""
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()[:20]
    return f"{prefix}_{digest}"


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class FieldDef:
    """Describe one field of an object type, as `GET /v1/{type}/definitions` shows it."""

    object_type: str
    key: str
    label: str
    value_type: ValueType
    description: str | None = None
    options: tuple[Option, ...] = ()
    currency: str | None = None
    multiple: bool = False
    unique: bool = False
    handle_service: str | None = None
    read_only: bool = False
    # Lightfield's account/opportunity selects accept option labels on write; contacts only ids.
    accepts_labels: bool = False

    @property
    def id(self) -> str:
        """Return the definition id (`ad_…`)."""
        return stable_id("ad", self.object_type, self.key)

    def option_by_id(self) -> dict[str, Option]:
        """Map option ids to options."""
        return {option.id: option for option in self.options}

    def type_configuration(self) -> dict[str, Any]:
        """Return `typeConfiguration` with only the keys that apply to this value type."""
        config: dict[str, Any] = {}
        if self.value_type in (ValueType.SINGLE_SELECT, ValueType.MULTI_SELECT):
            config["options"] = [
                {"id": o.id, "label": o.label, "description": o.description} for o in self.options
            ]
        if self.value_type is ValueType.CURRENCY:
            config["currency"] = self.currency
        if self.value_type in (ValueType.EMAIL, ValueType.TELEPHONE, ValueType.URL):
            config["multipleValues"] = self.multiple
            config["unique"] = self.unique
        if self.value_type is ValueType.SOCIAL_HANDLE:
            config["handleService"] = self.handle_service
        return config

    def render(self) -> dict[str, Any]:
        """Return the definition as the API shows it."""
        return {
            "id": self.id,
            "label": self.label,
            "description": self.description,
            "valueType": self.value_type.value,
            "typeConfiguration": self.type_configuration(),
            "readOnly": self.read_only,
        }


@dataclass(frozen=True)
class Relation:
    """Name a kind of edge between two object types; edges are stored once per link."""

    name: str
    source_type: str
    target_type: str


@dataclass(frozen=True)
class RelationshipDef:
    """Describe one side of a relation as a relationship of `owner_type`."""

    owner_type: str
    key: str
    label: str
    cardinality: Cardinality
    object_type: str
    relation: str
    side: Side
    description: str | None = None
    read_only: bool = False
    # A required has_one (an opportunity's account) cannot be cleared.
    required: bool = False

    @property
    def id(self) -> str:
        """Return the definition id (`rd_…`)."""
        return stable_id("rd", self.owner_type, self.key)

    @property
    def slug(self) -> str:
        """Return the slug list filters use, e.g. `$account-contact` on contacts."""
        return f"{self.key}-{self.owner_type}"

    @property
    def record_cardinality(self) -> str:
        """Return the lowercase cardinality that records carry (`has_one`/`has_many`)."""
        return self.cardinality.lower()

    def render(self) -> dict[str, Any]:
        """Return the definition as the API shows it."""
        return {
            "id": self.id,
            "slug": self.slug,
            "label": self.label,
            "description": self.description,
            "cardinality": self.cardinality,
            "objectType": self.object_type,
        }


@dataclass(frozen=True)
class ObjectSchema:
    """Group the definitions and naming of one record object type."""

    object_type: str
    collection: str
    id_prefix: str
    fields: Mapping[str, FieldDef]
    relationships: Mapping[str, RelationshipDef]
    # Fields a create must carry, and relationships a create must carry.
    required_fields: tuple[str, ...] = ()
    required_relationships: tuple[str, ...] = ()
    slugs: Mapping[str, RelationshipDef] = field(init=False)

    def __post_init__(self) -> None:
        slugs = {rel.slug: rel for rel in self.relationships.values()}
        object.__setattr__(self, "slugs", slugs)

    def render(self) -> dict[str, Any]:
        """Return the body of `GET /v1/{collection}/definitions`."""
        return {
            "objectType": self.object_type,
            "fieldDefinitions": {key: f.render() for key, f in self.fields.items()},
            "relationshipDefinitions": {
                key: rel.render() for key, rel in self.relationships.items()
            },
        }


def _options(object_type: str, key: str, *labels: str) -> tuple[Option, ...]:
    return tuple(Option(stable_id("opt", object_type, key, label), label) for label in labels)


def _fields(object_type: str, *specs: dict[str, Any]) -> dict[str, FieldDef]:
    defs: dict[str, FieldDef] = {}
    for spec in specs:
        spec = dict(spec)
        labels = spec.pop("option_labels", ())
        if labels:
            spec["options"] = _options(object_type, spec["key"], *labels)
        defs[spec["key"]] = FieldDef(object_type=object_type, **spec)
    return defs


def _relationships(owner_type: str, *defs: dict[str, Any]) -> dict[str, RelationshipDef]:
    return {d["key"]: RelationshipDef(owner_type=owner_type, **d) for d in defs}


VT = ValueType

RELATIONS: dict[str, Relation] = {
    r.name: r
    for r in (
        Relation("contact_account", "contact", "account"),
        Relation("contact_opportunity", "contact", "opportunity"),
        Relation("opportunity_account", "opportunity", "account"),
        Relation("contact_owner", "contact", "member"),
        Relation("account_owner", "account", "member"),
        Relation("opportunity_owner", "opportunity", "member"),
        Relation("opportunity_created_by", "opportunity", "member"),
        Relation("opportunity_champion", "opportunity", "contact"),
        Relation("opportunity_evaluator", "opportunity", "contact"),
    )
}

LIFECYCLE_STAGES = ("Lead", "MQL", "SQL", "Customer", "Churned")
INTERESTS = (
    "Analytics",
    "Automation",
    "Security",
    "Integrations",
    "Mobile",
    "AI assistants",
    "Reporting",
    "Compliance",
    "Onboarding",
    "Pricing",
    "Partnerships",
    "Events",
)
INDUSTRIES = (
    "Software",
    "Fintech",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Logistics",
    "Energy",
    "Media",
    "Education",
    "Biotech",
    "Automotive",
    "Agriculture",
)
HEADCOUNTS = ("1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+")
FUNDING_TYPES = (
    "Bootstrapped",
    "Seed",
    "Series A",
    "Series B",
    "Series C",
    "Private equity",
    "IPO",
)
ACCOUNT_STATUSES = ("Prospect", "Active customer", "Former customer")
ACCOUNT_TIERS = ("Gold", "Silver", "Bronze")
STAGES = ("Discovery", "Qualification", "Proposal", "Negotiation", "Closed won", "Closed lost")
OPPORTUNITY_STATUSES = ("Open", "Won", "Lost")

CONTACT = ObjectSchema(
    object_type="contact",
    collection="contacts",
    id_prefix="con",
    fields=_fields(
        "contact",
        {"key": "$name", "label": "Name", "value_type": VT.FULL_NAME},
        {
            "key": "$email",
            "label": "Email",
            "value_type": VT.EMAIL,
            "multiple": True,
            "unique": True,
        },
        {"key": "$phone", "label": "Phone", "value_type": VT.TELEPHONE, "multiple": True},
        {"key": "$title", "label": "Job title", "value_type": VT.TEXT},
        {"key": "$address", "label": "Address", "value_type": VT.ADDRESS},
        {
            "key": "$linkedIn",
            "label": "LinkedIn",
            "value_type": VT.SOCIAL_HANDLE,
            "handle_service": "LINKEDIN",
        },
        {
            "key": "$twitter",
            "label": "X (Twitter)",
            "value_type": VT.SOCIAL_HANDLE,
            "handle_service": "TWITTER",
        },
        {"key": "$profilePhotoUrl", "label": "Profile photo", "value_type": VT.URL},
        {"key": "$doNotContact", "label": "Do not contact", "value_type": VT.CHECKBOX},
        {
            "key": "$summary",
            "label": "AI summary",
            "value_type": VT.MARKDOWN,
            "description": "Generated by Lightfield from meetings and emails.",
            "read_only": True,
        },
        {
            "key": "lifecycle-stage",
            "label": "Lifecycle stage",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": LIFECYCLE_STAGES,
        },
        {
            "key": "interests",
            "label": "Interests",
            "value_type": VT.MULTI_SELECT,
            "option_labels": INTERESTS,
        },
        {"key": "deal-size", "label": "Deal size", "value_type": VT.CURRENCY, "currency": "EUR"},
        {"key": "lead-score", "label": "Lead score", "value_type": VT.NUMBER},
        {"key": "newsletter", "label": "Newsletter", "value_type": VT.CHECKBOX},
        {"key": "last-contacted", "label": "Last contacted", "value_type": VT.DATETIME},
        {"key": "notes", "label": "Notes", "value_type": VT.MARKDOWN},
        {"key": "website", "label": "Personal website", "value_type": VT.URL},
        {
            "key": "enrichment-score",
            "label": "Enrichment score",
            "value_type": VT.NUMBER,
            "description": "Confidence of the background enrichment, 0-100.",
            "read_only": True,
        },
    ),
    relationships=_relationships(
        "contact",
        {
            "key": "$account",
            "label": "Accounts",
            "cardinality": "HAS_MANY",
            "object_type": "account",
            "relation": "contact_account",
            "side": "source",
        },
        {
            "key": "$opportunities",
            "label": "Opportunities",
            "cardinality": "HAS_MANY",
            "object_type": "opportunity",
            "relation": "contact_opportunity",
            "side": "source",
        },
        {
            "key": "$owner",
            "label": "Owner",
            "cardinality": "HAS_ONE",
            "object_type": "member",
            "relation": "contact_owner",
            "side": "source",
        },
    ),
)

ACCOUNT = ObjectSchema(
    object_type="account",
    collection="accounts",
    id_prefix="acc",
    required_fields=("$name",),
    fields=_fields(
        "account",
        {"key": "$name", "label": "Name", "value_type": VT.TEXT},
        {
            "key": "$website",
            "label": "Website",
            "value_type": VT.URL,
            "multiple": True,
            "unique": False,
        },
        {
            "key": "$industry",
            "label": "Industry",
            "value_type": VT.MULTI_SELECT,
            "option_labels": INDUSTRIES,
            "accepts_labels": True,
        },
        {
            "key": "$headcount",
            "label": "Headcount",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": HEADCOUNTS,
            "accepts_labels": True,
        },
        {
            "key": "$lastFundingType",
            "label": "Last funding type",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": FUNDING_TYPES,
            "accepts_labels": True,
        },
        {"key": "$primaryAddress", "label": "Primary address", "value_type": VT.ADDRESS},
        {
            "key": "$linkedIn",
            "label": "LinkedIn",
            "value_type": VT.SOCIAL_HANDLE,
            "handle_service": "LINKEDIN",
        },
        {
            "key": "$twitter",
            "label": "X (Twitter)",
            "value_type": VT.SOCIAL_HANDLE,
            "handle_service": "TWITTER",
        },
        {
            "key": "$facebook",
            "label": "Facebook",
            "value_type": VT.SOCIAL_HANDLE,
            "handle_service": "FACEBOOK",
        },
        {
            "key": "$instagram",
            "label": "Instagram",
            "value_type": VT.SOCIAL_HANDLE,
            "handle_service": "INSTAGRAM",
        },
        {
            "key": "$howTheyMakeMoney",
            "label": "How they make money",
            "value_type": VT.MARKDOWN,
            "read_only": True,
        },
        {
            "key": "$accountStatus",
            "label": "Account status",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": ACCOUNT_STATUSES,
            "read_only": True,
        },
        {
            "key": "tier",
            "label": "Tier",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": ACCOUNT_TIERS,
            "accepts_labels": True,
        },
        {
            "key": "annual-revenue",
            "label": "Annual revenue",
            "value_type": VT.CURRENCY,
            "currency": "USD",
        },
    ),
    relationships=_relationships(
        "account",
        {
            "key": "$owner",
            "label": "Owner",
            "cardinality": "HAS_ONE",
            "object_type": "member",
            "relation": "account_owner",
            "side": "source",
        },
        {
            "key": "$contact",
            "label": "Contacts",
            "cardinality": "HAS_MANY",
            "object_type": "contact",
            "relation": "contact_account",
            "side": "target",
        },
        {
            "key": "$opportunity",
            "label": "Opportunities",
            "cardinality": "HAS_MANY",
            "object_type": "opportunity",
            "relation": "opportunity_account",
            "side": "target",
            "description": "Managed through the opportunity's $account.",
            "read_only": True,
        },
    ),
)

OPPORTUNITY = ObjectSchema(
    object_type="opportunity",
    collection="opportunities",
    id_prefix="opp",
    required_fields=("$name", "$stage"),
    required_relationships=("$account",),
    fields=_fields(
        "opportunity",
        {"key": "$name", "label": "Name", "value_type": VT.TEXT},
        {
            "key": "$stage",
            "label": "Stage",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": STAGES,
            "accepts_labels": True,
        },
        {"key": "$amount", "label": "Amount", "value_type": VT.CURRENCY, "currency": "EUR"},
        {"key": "$closeDate", "label": "Close date", "value_type": VT.DATETIME},
        {
            "key": "$opportunityStatus",
            "label": "Status",
            "value_type": VT.SINGLE_SELECT,
            "option_labels": OPPORTUNITY_STATUSES,
            "read_only": True,
        },
        {
            "key": "$summary",
            "label": "AI summary",
            "value_type": VT.MARKDOWN,
            "read_only": True,
        },
        {"key": "probability", "label": "Probability (%)", "value_type": VT.NUMBER},
        {"key": "next-step", "label": "Next step", "value_type": VT.TEXT},
    ),
    relationships=_relationships(
        "opportunity",
        {
            "key": "$account",
            "label": "Account",
            "cardinality": "HAS_ONE",
            "object_type": "account",
            "relation": "opportunity_account",
            "side": "source",
            "required": True,
        },
        {
            "key": "$contact",
            "label": "Contacts",
            "cardinality": "HAS_MANY",
            "object_type": "contact",
            "relation": "contact_opportunity",
            "side": "target",
        },
        {
            "key": "$owner",
            "label": "Owner",
            "cardinality": "HAS_ONE",
            "object_type": "member",
            "relation": "opportunity_owner",
            "side": "source",
        },
        {
            "key": "$createdBy",
            "label": "Created by",
            "cardinality": "HAS_ONE",
            "object_type": "member",
            "relation": "opportunity_created_by",
            "side": "source",
        },
        {
            "key": "$champion",
            "label": "Champion",
            "cardinality": "HAS_ONE",
            "object_type": "contact",
            "relation": "opportunity_champion",
            "side": "source",
        },
        {
            "key": "$evaluator",
            "label": "Evaluator",
            "cardinality": "HAS_ONE",
            "object_type": "contact",
            "relation": "opportunity_evaluator",
            "side": "source",
        },
    ),
)

SCHEMAS: dict[str, ObjectSchema] = {s.object_type: s for s in (CONTACT, ACCOUNT, OPPORTUNITY)}
SCHEMAS_BY_COLLECTION: dict[str, ObjectSchema] = {s.collection: s for s in SCHEMAS.values()}

# Members are not definable: their four fields are fixed by the spec.
MEMBER_TYPE = "member"
MEMBER_PREFIX = "mem"
MEMBER_FIELDS: dict[str, ValueType] = {
    "$email": VT.EMAIL,
    "$name": VT.FULL_NAME,
    "$profileImage": VT.URL,
    "$role": VT.TEXT,
}

ID_PREFIXES: dict[str, str] = {s.id_prefix: s.object_type for s in SCHEMAS.values()} | {
    MEMBER_PREFIX: MEMBER_TYPE
}


def relationship_sides(relation: str) -> list[RelationshipDef]:
    """Return every relationship definition that shows `relation`, on either side."""
    return [
        rel
        for schema in SCHEMAS.values()
        for rel in schema.relationships.values()
        if rel.relation == relation
    ]


def inverse_of(rel: RelationshipDef) -> RelationshipDef | None:
    """Return the definition showing the other side of `rel`'s relation, if any."""
    for other in relationship_sides(rel.relation):
        if other.side != rel.side:
            return other
    return None
