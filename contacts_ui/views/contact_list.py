"""The contacts list: one page of the CRM's contacts, searched, filtered, in chosen columns."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from contacts_ui.crm.errors import CRMError, ResultWindowError
from contacts_ui.crm.models import Definitions, Page, Record
from contacts_ui.crm.port import Capabilities
from contacts_ui.identity.roles import Role, require_role
from contacts_ui.listing import navigation as results
from contacts_ui.listing import pages
from contacts_ui.listing.columns import (
    Column,
    available_columns,
    columns_for,
    reset_columns,
    save_columns,
)
from contacts_ui.listing.rows import RowRenderer
from contacts_ui.listing.search import (
    FILTER_PREFIX,
    PAGE_PARAM,
    FilterField,
    ListQuery,
    filter_fields,
    parse_list_query,
    unfilterable_labels,
)
from contacts_ui.services import backend as services
from contacts_ui.services import contacts as contact_service
from contacts_ui.services import definitions as definitions_service
from contacts_ui.services import related
from contacts_ui.services.definitions import get_definitions
from contacts_ui.views.common import (
    FROM_PARAM,
    display_context,
    htmx_details,
    list_url,
)
from contacts_ui.views.errors import crm_error_response
from contacts_ui.web.fragments import render_fragment
from contacts_ui.web.links import record_url, record_urls, reversed_url

NAMES_PARAM = "r"
# A page holds at most 25 rows times a few relationship columns; more is not a page of ours.
MAX_NAMES_PER_REQUEST = 200


def _parse_page(raw: str | None) -> int | None:
    """Return the page number asked for, or None when it is not a positive integer."""
    if raw is None:
        return 1
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if number >= 1 else None


def _page_links(
    query: ListQuery, page: int, last_page: int, base: str
) -> list[tuple[int | None, str]]:
    """Return the window of page numbers around ``page`` (None marks a gap)."""
    per_page = 1  # the window is drawn over page numbers, not rows
    return [
        (number, list_url(query.querystring(page=number), base) if number is not None else "")
        for number in pages.page_window(last_page, per_page, page)
    ]


@dataclass(frozen=True)
class Header:
    """A column header: its label and, where the CRM can sort by it, the link that does."""

    label: str
    sort_url: str | None = None
    # "ascending" / "descending" on the column the list is sorted by (aria-sort).
    order: str | None = None


def _headers(
    query: ListQuery, columns: list[Column], capabilities: Capabilities, base: str
) -> list[Header]:
    """Return the name column's header, then each chosen column's, with sort links if any."""
    headers = []
    for key, label in [("$name", "Name"), *((c.source_key, c.label) for c in columns)]:
        if key not in capabilities.sortable_fields:
            headers.append(Header(label))
            continue
        current = query.sort if query.sort is not None and query.sort.key == key else None
        order = None if current is None else ("descending" if current.descending else "ascending")
        # A click on the sorted column reverses it; on another column it sorts ascending.
        toggled = f"-{key}" if current is not None and not current.descending else key
        sort_url = list_url(query.querystring(sort=toggled, page=None), base)
        headers.append(Header(label, sort_url, order))
    return headers


def _relationship_ids(
    records: list[Record], keys: list[str], definitions: Definitions
) -> Iterator[tuple[str, str]]:
    """Yield (object type, id) for every record linked under ``keys``, for name lookups."""
    for record in records:
        for key in keys:
            definition = definitions.relationship_definitions.get(key)
            object_type = related.object_type_of(record, key, definition) or "unknown"
            for related_id in record.related_ids(key):
                yield (object_type, related_id)


def name_slot(related_id: str) -> str:
    """Return the CSS class that marks every place a related record's name goes on a page.

    A hash, because ids come from the CRM and need not be valid in a selector; the deferred
    names request swaps each name into every element with this class.
    """
    return "rn-" + hashlib.sha256(related_id.encode()).hexdigest()[:16]


@lru_cache(maxsize=8192)
def name_html(
    name: related.RelatedName | None, related_id: str, *, swap: bool = False
) -> SafeString:
    """Render one related record's name, or its id marked as pending or unavailable.

    ``swap`` makes it an htmx out-of-band element that replaces every placeholder of the id.
    Kept per name, id and state (a page shows the same few dozen accounts and owners again).
    """
    if name is None:
        name = related.RelatedName(related_id, related_id, "unknown", missing=True, state="pending")
    slot = name_slot(related_id)
    kind = {"pending": "name-pending", "unavailable": "name-unavailable"}.get(name.state, "name")
    oob = f"outerHTML:.{slot}" if swap else ""
    if oob:
        return format_html(
            '<span class="{} {}" hx-swap-oob="{}">{}</span>', kind, slot, oob, name.label
        )
    return format_html('<span class="{} {}">{}</span>', kind, slot, name.label)


def _names_url(pending: list[related.RelatedName]) -> str | None:
    """Return the deferred request that names ``pending`` records, or None if none are."""
    if not pending:
        return None
    params = urlencode([(NAMES_PARAM, f"{n.object_type}:{n.id}") for n in pending])
    return f"{reversed_url('contacts:names')}?{params}"


def _fetch_page(query: ListQuery, number: int, page_size: int) -> Page:
    """Ask the CRM for page ``number`` of the result set ``query`` describes."""
    return contact_service.list_contacts(
        limit=page_size,
        offset=(number - 1) * page_size,
        filters=query.filters,
        search=query.search,
        sort=query.sort,
        any_of=query.any_of,
        account_prefix=query.account_prefix,
        account_filter=query.account_filter,
    )


def _relationship_filter_names(params: QueryDict, definitions: Definitions) -> dict[str, str]:
    """Return names for the ids that relationship filters in the query string point at."""
    wanted: list[tuple[str, str]] = []
    for name in params:
        key = name[len(FILTER_PREFIX) :] if name.startswith(FILTER_PREFIX) else None
        definition = definitions.relationship_definitions.get(key or "")
        value = params.get(name)
        if definition and definition.object_type and isinstance(value, str) and value:
            wanted.append((definition.object_type, value))
    return {i: n.name for i, n in related.resolve(wanted).items()}


@require_role(Role.VIEWER)
@vary_on_headers("HX-Request")
def contact_list(request: HttpRequest) -> HttpResponse:
    """Show one page of contacts: search, filters, chosen columns, and page links."""
    page_number = _parse_page(request.GET.get(PAGE_PARAM))
    if page_number is None:
        corrected = request.GET.copy()
        corrected[PAGE_PARAM] = "1"
        return HttpResponseRedirect(list_url(corrected.urlencode()))
    # An htmx request gets only the results region, which needs no filter form (nor owners).
    htmx = htmx_details(request)
    whole_page = not htmx or htmx.history_restore_request
    try:
        definitions = get_definitions("contacts")
        owner_names = _relationship_filter_names(request.GET, definitions)
        owners = related.member_names() if whole_page else []
    except CRMError as exc:
        return crm_error_response(request, exc)

    tz = timezone.get_current_timezone()
    capabilities = services.capabilities()
    query = parse_list_query(request.GET, definitions, tz, owner_names, capabilities=capabilities)
    page_size = contact_service.page_size()
    try:
        page = _fetch_page(query, page_number, page_size)
    except ResultWindowError as exc:
        # Past the deepest page the CRM can reach (HighLevel: 10,000 records): the last
        # reachable page says why there is no more.
        reachable = max(1, exc.max_offset // page_size)
        return HttpResponseRedirect(list_url(query.querystring(page=reachable)))
    except CRMError as exc:
        return crm_error_response(request, exc)

    last_page = pages.last_page(page.total_count, page_size)
    window = capabilities.max_result_window
    if window is not None and page.total_count > window:
        last_page = min(last_page, max(1, window // page_size))
        query.notices.append(
            f"{capabilities.label} can only page through the first {window:,} of "
            f"{page.total_count:,} contacts: narrow the search or add filters to see the rest."
        )
    if page_number > last_page:
        return HttpResponseRedirect(list_url(query.querystring(page=last_page)))

    columns = columns_for(request.user, definitions)
    records = list(page.data)
    relationship_keys = [c.source_key for c in columns if c.kind == "relationship"]
    # Only what is cached: the page goes out as soon as the list call returns, and the names
    # still missing are filled in by one deferred request (and, for browsers without
    # JavaScript, right after this response, so the next view has them).
    names = related.cached(_relationship_ids(records, relationship_keys, definitions))
    pending = [n for n in names.values() if n.state == "pending"]
    here = query.querystring(page=page_number)
    base = list_url("")
    renderer = RowRenderer(
        columns,
        definitions,
        display_context(compact=True),
        list_base=base,
        detail_url=record_urls("contacts:detail"),
        here=here,
        backend_key=services.generation(),
    )
    # Each related id's cell markup carries its state (a pending placeholder, a name): the rows
    # cache keys on it, so a row drawn with a pending name is drawn again once it is known.
    rows = renderer.rows(records, {i: name_html(n, i) for i, n in names.items()})
    results.remember_page(
        request.user.pk, query.state_key, page_number, last_page, [(r.id, r.name) for r in rows]
    )
    first_index = (page_number - 1) * page_size + 1 if rows else 0
    page_context: dict[str, Any] = {
        "rows": rows,
        # Each row is escaped HTML already (conditional_escape keeps it as it is).
        "rows_html": mark_safe("".join(conditional_escape(row.html) for row in rows)),  # noqa: S308
        "list_base": base,
        "columns": columns,
        "query": query,
        "here": here,
        "total": page.total_count,
        "first_index": first_index,
        "last_index": first_index + len(rows) - 1 if rows else 0,
        "page_number": page_number,
        "last_page": last_page,
        "page_links": _page_links(query, page_number, last_page, base),
        "first_url": list_url(query.querystring(page=1), base) if page_number > 1 else None,
        "previous_url": (
            list_url(query.querystring(page=page_number - 1), base) if page_number > 1 else None
        ),
        "next_url": (
            list_url(query.querystring(page=page_number + 1), base)
            if page_number < last_page
            else None
        ),
        "last_url": (
            list_url(query.querystring(page=last_page), base) if page_number < last_page else None
        ),
        "capabilities": capabilities,
        "headers": _headers(query, columns, capabilities, base),
        "filter_count": len(query.chips),
        "names_url": _names_url(pending),
    }
    # Starts naming the pending records beside this response: the deferred request then only
    # waits for it, and a browser without JavaScript gets them named on its next view.
    related.fill_later((n.object_type, n.id) for n in pending)
    if not whole_page:
        return render(request, "contacts/list.html#results", page_context)
    page_context.update(
        unfilterable=unfilterable_labels(definitions, capabilities),
        filter_inputs=_filter_inputs(filter_fields(definitions, capabilities, owners), query),
        column_choices=_column_picker(_column_choices(columns, definitions)),
    )
    return render(request, "contacts/list.html", page_context)


def _filter_inputs(fields: list[FilterField], query: ListQuery) -> SafeString:
    """Render the filter form's inputs, reused while the fields and the values in them hold."""
    # The inputs show the result set's parameters, never the page number: one entry serves
    # every page of a result set.
    params = tuple(sorted((k, v) for k, v in query.params.items() if k != PAGE_PARAM))
    return render_fragment(
        "contacts/list.html#filter-inputs",
        lambda: {"filter_fields": fields, "query": query},
        key=(tuple(fields), params),
    )


def _column_picker(choices: list[tuple[Column, bool]]) -> SafeString:
    """Render the column picker's list, reused while the columns and the choice hold."""
    return render_fragment(
        "contacts/list.html#column-choices",
        lambda: {"all_columns": choices},
        key=tuple(choices),
    )


@require_GET
@require_role(Role.VIEWER)
def related_names(request: HttpRequest) -> HttpResponse:
    """Answer the list page's deferred request: each pending name, as an out-of-band swap.

    The lookups run at background priority and are paced by the team's rate budget; a name
    that cannot be fetched comes back marked "name unavailable", one still waiting for the
    budget stays pending (the next view names it).
    """
    wanted = []
    for raw in request.GET.getlist(NAMES_PARAM)[:MAX_NAMES_PER_REQUEST]:
        object_type, _, related_id = raw.partition(":")
        if object_type and related_id:
            wanted.append((object_type, related_id))
    names = related.resolve(wanted)
    swaps = {i: name_html(names.get(i), i, swap=True) for _, i in wanted}
    return render(request, "contacts/names.html", {"names": list(swaps.values())})


def _column_choices(columns: list[Column], definitions: Definitions) -> list[tuple[Column, bool]]:
    """List every column, chosen ones first in their order, for the column picker."""
    chosen = {column.key for column in columns}
    rest = [c for c in available_columns(definitions) if c.key not in chosen]
    return [(c, True) for c in columns] + [(c, False) for c in rest]


@require_POST
@require_role(Role.VIEWER)
def choose_columns(request: HttpRequest) -> HttpResponse:
    """Save the person's column choice (or reset it), then go back to the list."""
    try:
        definitions = get_definitions("contacts")
    except CRMError as exc:
        return crm_error_response(request, exc)
    if "reset" in request.POST:
        reset_columns(request.user)
    else:
        keys = request.POST.getlist("column")
        move = request.POST.get("move", "")
        if ":" in move:
            keys = _move(keys, *move.rsplit(":", 1))
        save_columns(request.user, keys, definitions)
    return HttpResponseRedirect(_safe_next(request.POST.get("next"), fallback=list_url("")))


def _move(keys: list[str], key: str, direction: str) -> list[str]:
    if key not in keys:
        return keys
    index = keys.index(key)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(keys):
        keys[index], keys[target] = keys[target], keys[index]
    return keys


def _safe_next(candidate: str | None, *, fallback: str) -> str:
    """Return ``candidate`` when it is a path on this site, else ``fallback``."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None)
    ):
        return candidate
    return fallback


@require_role(Role.VIEWER)
def step(request: HttpRequest) -> HttpResponse:
    """Open the contact just before or after a page boundary of the person's result set."""
    from_query = request.GET.get(FROM_PARAM, "")
    direction = request.GET.get("dir")
    state_key, page = results.split_from(from_query)
    target_page = page + 1 if direction == "next" else page - 1
    if direction not in {"next", "previous"} or target_page < 1:
        return HttpResponseRedirect(list_url(from_query))
    target_query = results.with_page(state_key, target_page)
    remembered = results.recall_page(request.user.pk, state_key, target_page)
    if remembered is None:
        try:
            definitions = get_definitions("contacts")
            query = parse_list_query(
                QueryDict(state_key),
                definitions,
                timezone.get_current_timezone(),
                capabilities=services.capabilities(),
            )
            page_size = contact_service.page_size()
            page_data = _fetch_page(query, target_page, page_size)
        except CRMError as exc:
            return crm_error_response(request, exc)
        last_page = pages.last_page(page_data.total_count, page_size)
        rows = [(r.id, r.display_name) for r in page_data.data]
        results.remember_page(request.user.pk, state_key, target_page, last_page, rows)
    else:
        _, rows = remembered
    if not rows:
        return HttpResponseRedirect(list_url(target_query))
    target_id = rows[0][0] if direction == "next" else rows[-1][0]
    params = QueryDict(mutable=True)
    params[FROM_PARAM] = target_query
    target_url = record_url("contacts:detail", target_id)
    if target_url is None:
        # The CRM's id cannot be part of our URLs: land on the list page instead of a 500.
        return HttpResponseRedirect(list_url(target_query))
    return HttpResponseRedirect(f"{target_url}?{params.urlencode()}")


@require_POST
@require_role(Role.ADMIN)
def refresh_definitions(request: HttpRequest) -> HttpResponse:
    """Fetch the CRM's field definitions again now, then go back to where the person was."""
    try:
        definitions_service.refresh_definitions("contacts")
    except CRMError as exc:
        return crm_error_response(request, exc)
    return HttpResponseRedirect(_safe_next(request.POST.get("next"), fallback=list_url("")))
