"""The audit log page (admins): every write attempt, filterable, exportable as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from contacts_ui.crm.errors import CRMError
from contacts_ui.crm.models import Definitions
from contacts_ui.fields import display_text
from contacts_ui.identity.roles import Role, require_role
from contacts_ui.models import AuditEntry
from contacts_ui.services import related
from contacts_ui.services.definitions import get_definitions

PAGE_SIZE = 50
FILTER_PARAMS = ("user", "record", "action", "result", "since", "until")


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def _filtered(params: dict[str, str]) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if params.get("user"):
        entries = entries.filter(username__icontains=params["user"])
    if params.get("record"):
        entries = entries.filter(record_id=params["record"])
    if params.get("action") in AuditEntry.Action.values:
        entries = entries.filter(action=params["action"])
    if params.get("result") in AuditEntry.Result.values:
        entries = entries.filter(result=params["result"])
    tz = timezone.get_current_timezone()
    if since := _day(params.get("since")):
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until := _day(params.get("until")):
        entries = entries.filter(
            at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
        )
    return entries


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


VERBS = {"add": "linked", "remove": "unlinked", "replace": "set to"}


@dataclass(frozen=True)
class ChangeLine:
    """One field a write changed, in words: its label, and its values as the page shows them."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class LinkLine:
    """One relationship operation a write sent, in words: "Account: set to Acme"."""

    label: str
    verb: str
    names: str


@dataclass(frozen=True)
class AuditRow:
    """An audit entry as a salesperson reads it: names and labels rather than ids and keys."""

    entry: AuditEntry
    record_name: str
    changes: list[ChangeLine]
    links: list[LinkLine]


def _definitions() -> Definitions | None:
    try:
        return get_definitions("contacts")
    except CRMError:
        return None


def _value_text(definitions: Definitions | None, key: str, value: Any) -> str:
    definition = definitions.field_definitions.get(key) if definitions else None
    return display_text(definition.value_type if definition else "TEXT", value, definition)


def _ids(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def describe(entries: Iterable[AuditEntry], *, with_record_names: bool = True) -> list[AuditRow]:
    """Turn audit entries into rows of words: field labels, formatted values, record names."""
    entries = list(entries)
    definitions = _definitions()
    relationship_definitions = definitions.relationship_definitions if definitions else {}
    wanted: list[tuple[str, str]] = []
    if with_record_names:
        wanted += [("contact", e.record_id) for e in entries if e.record_id]
    for entry in entries:
        for key, operation in (entry.relationships or {}).items():
            relationship = relationship_definitions.get(key)
            object_type = (relationship.object_type if relationship else None) or "unknown"
            if isinstance(operation, dict):
                for value in operation.values():
                    wanted += [(object_type, i) for i in _ids(value)]
            else:  # a create sends the bare id(s)
                wanted += [(object_type, i) for i in _ids(operation)]
    try:
        names = {i: n.name for i, n in related.resolve(wanted).items()}
    except CRMError:
        names = {}

    rows = []
    for entry in entries:
        changes = []
        for key, change in (entry.changes or {}).items():
            definition = definitions.field_definitions.get(key) if definitions else None
            change = change if isinstance(change, dict) else {}
            changes.append(
                ChangeLine(
                    label=definition.label if definition else key,
                    before=_value_text(definitions, key, change.get("before")),
                    after=_value_text(definitions, key, change.get("after")),
                )
            )
        links = []
        for key, operation in (entry.relationships or {}).items():
            relationship = relationship_definitions.get(key)
            label = relationship.label if relationship else key
            steps = operation.items() if isinstance(operation, dict) else [("replace", operation)]
            for verb, value in steps:
                shown = [names.get(i, i) for i in _ids(value)]
                links.append(LinkLine(label, VERBS.get(verb, verb), ", ".join(shown) or "nothing"))
        rows.append(
            AuditRow(
                entry=entry,
                record_name=names.get(entry.record_id, entry.record_id),
                changes=changes,
                links=links,
            )
        )
    return rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(entries: QuerySet[AuditEntry]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = [
        "at",
        "user",
        "groups",
        "action",
        "object_type",
        "record_id",
        "changes",
        "relationships",
        "result",
        "crm_status",
        "error_code",
        "idempotency_key",
        "request_id",
    ]

    def rows() -> Iterator[object]:
        yield writer.writerow(header)
        for entry in entries.iterator():
            yield writer.writerow(
                csv_cell(cell)
                for cell in [
                    entry.at.isoformat(),
                    entry.username,
                    ",".join(entry.groups),
                    entry.action,
                    entry.object_type,
                    entry.record_id,
                    json.dumps(entry.changes, ensure_ascii=False),
                    json.dumps(entry.relationships, ensure_ascii=False),
                    entry.result,
                    entry.crm_status or "",
                    entry.error_code,
                    entry.idempotency_key,
                    entry.request_id,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@require_role(Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """List audit entries with filters; `?format=csv` downloads the filtered entries."""
    params = {name: request.GET.get(name, "").strip() for name in FILTER_PARAMS}
    entries = _filtered(params)
    if request.GET.get("format") == "csv":
        return _csv(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    active = {k: v for k, v in params.items() if v}
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "rows": describe(page.object_list),
            "params": params,
            "query": urlencode(active),
            "actions": AuditEntry.Action.choices,
            "results": AuditEntry.Result.choices,
        },
    )
