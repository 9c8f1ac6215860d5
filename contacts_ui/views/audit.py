"""The audit log page (admins): every write attempt, filterable, exportable as CSV."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from contacts_ui.identity.roles import Role, require_role
from contacts_ui.models import AuditEntry

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

    def rows():  # type: ignore[no-untyped-def]
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
def audit_log(request: HttpRequest) -> HttpResponse:
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
            "params": params,
            "query": urlencode(active),
            "actions": AuditEntry.Action.choices,
            "results": AuditEntry.Result.choices,
        },
    )
