"""The list's table rows, rendered in Python once per record and kept while the record holds.

A list page is 25 rows of up to 12 cells. Through the template engine every cell costs a
variable lookup, a filter chain and an escape; here the work that is the same for every row
(the renderer of each column, its definition, the URL prefixes, the viewer's zone and locale) is
resolved once per request, and each row is built with ``format_html``/``format_html_join``, so
every value from the CRM is still escaped exactly once.

Each row is then kept in a per-process LRU. That is safe because the key holds everything the
row is drawn from:

- the record's id and ``updatedAt`` (the CRM changes ``updatedAt`` on every write to it);
- the ids *and names* its relationship cells show, so a renamed account or a newly linked
  owner makes a new key rather than a stale cell. A name may be given as HTML (the list view
  passes each name's placeholder markup, which carries its state): a cell drawn while a name
  was pending is then drawn again once the name is known;
- the request's plan: the backend, the columns (labels too) with their definitions (option
  labels, currency codes), the time zone, the locale and the list URL the filter links use;
- the page's query string, which the row's link carries back to the contact page;
- and, for relative dates ("3 hours ago"), an expiry: the moment the text would change.

Records without ``updatedAt`` are rendered every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from contacts_ui.crm.models import Definitions, FieldDefinition, Record
from contacts_ui.fields import DisplayContext, display_html
from contacts_ui.fields.display import parse_datetime, relative_valid_until
from contacts_ui.fields.registry import EMPTY_HTML
from contacts_ui.listing.columns import Column
from contacts_ui.listing.search import FILTER_PREFIX
from contacts_ui.web.fragments import FOREVER, ExpiringLRU, serial_for

# 25 rows a page: enough for the 160 most recently seen pages of one process (~1.5 kB a row).
ROW_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Row:
    """Hold one rendered row of the list, with what the contact page's neighbours need."""

    id: str
    name: str
    html: SafeString
    cells: tuple[SafeString, ...] = ()
    labels: tuple[str, ...] = ()

    def labeled_cells(self) -> list[tuple[str, SafeString]]:
        """Pair each cell with its column's label (small screens show it beside the value)."""
        labels = self.labels or ("",) * len(self.cells)
        return list(zip(labels, self.cells, strict=False))


_rows = ExpiringLRU(ROW_CACHE_SIZE)


def clear_cache() -> None:
    """Forget every rendered row (tests that swap the CRM's data under the same ids)."""
    _rows.clear()


# A cell renderer: the record, the names of related records → (HTML, valid until).
CellFn = Callable[[Record, Mapping[str, str]], tuple[SafeString, float]]


def _datetime_cell(value: object, context: DisplayContext) -> tuple[SafeString, float]:
    html = display_html("DATETIME", value, None, context)
    moment = parse_datetime(value)
    return html, relative_valid_until(moment, context.now) if moment else FOREVER


def _meta_cell(source_key: str, context: DisplayContext) -> CellFn:
    if source_key == "updatedAt":
        return lambda record, _names: _datetime_cell(record.updated_at_raw, context)
    return lambda record, _names: _datetime_cell(record.created_at, context)


def _field_cell(key: str, definition: FieldDefinition | None, context: DisplayContext) -> CellFn:
    def cell(record: Record, _names: Mapping[str, str]) -> tuple[SafeString, float]:
        field = record.fields.get(key)
        if field is None:
            return EMPTY_HTML, FOREVER
        if field.value_type == "DATETIME":
            return _datetime_cell(field.value, context)
        return display_html(field.value_type, field.value, definition, context), FOREVER

    return cell


def _relationship_cell(key: str, filter_link_prefix: str | None) -> CellFn:
    """Render related records by name, as links that filter the list by them when it can."""

    def cell(record: Record, names: Mapping[str, str]) -> tuple[SafeString, float]:
        ids = record.related_ids(key)
        if not ids:
            return EMPTY_HTML, FOREVER
        if filter_link_prefix is None:
            return format_html_join(", ", "{}", ((names.get(i, i),) for i in ids)), FOREVER
        links = ((filter_link_prefix + quote_plus(i), names.get(i, i)) for i in ids)
        return format_html_join(", ", '<a href="{}">{}</a>', links), FOREVER

    return cell


class RowRenderer:
    """Render the rows of one list request; build one per request, use it for its rows.

    ``list_base`` and ``detail_url`` come from one ``reverse()`` each: the list's own URL, and
    a function from a record id to its contact page (None when the id cannot be routed).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        definitions: Definitions,
        context: DisplayContext,
        *,
        list_base: str,
        detail_url: Callable[[str], str | None],
        here: str,
        backend_key: Hashable,
    ) -> None:
        self._detail_url = detail_url
        self._from = "?from=" + quote(here, safe="/")
        self._relationship_keys = [c.source_key for c in columns if c.kind == "relationship"]
        self._cells: list[CellFn] = []
        # Small screens show each cell as a card line with its column's label beside it.
        self._labels = tuple(column.label for column in columns)
        plan: list[Hashable] = [backend_key, context.tz, context.locale, context.compact]
        plan.append(list_base)
        for column in columns:
            key = column.source_key
            if column.kind == "meta":
                self._cells.append(_meta_cell(key, context))
                plan.append((column.key, column.label))
            elif column.kind == "relationship":
                relationship = definitions.relationship_definitions.get(key)
                linked = relationship is not None and bool(relationship.slug)
                prefix = f"{list_base}?{quote_plus(FILTER_PREFIX + key)}=" if linked else None
                self._cells.append(_relationship_cell(key, prefix))
                plan.append((column.key, column.label, prefix))
            else:
                definition = definitions.field_definitions.get(key)
                self._cells.append(_field_cell(key, definition, context))
                # Frozen pydantic models compare and hash by value: a changed option label or
                # currency is a different plan.
                plan.append((column.key, column.label, definition))
        self._plan = serial_for(tuple(plan))
        self._context = context

    def rows(self, records: Iterable[Record], names: Mapping[str, str]) -> list[Row]:
        """Return one rendered row per record; ``names`` maps related ids to what their cells
        show: a plain name (escaped here) or safe HTML (a name's placeholder, as is)."""
        now = self._context.now.timestamp()
        return [self._cached_row(record, names, now) for record in records]

    def _cached_row(self, record: Record, names: Mapping[str, str], now: float) -> Row:
        if record.updated_at_raw is None:
            return self._row(record, names)[0]
        shown_names = tuple(
            (related_id, names.get(related_id))
            for key in self._relationship_keys
            for related_id in record.related_ids(key)
        )
        # The page's own query string is in the row's link, so it is in the key too.
        key = (self._plan, self._from, record.id, record.updated_at_raw, shown_names)
        row: Row | None = _rows.get(key, now)
        if row is None:
            row, valid_until = self._row(record, names)
            _rows.put(key, row, valid_until)
        return row

    def _row(self, record: Record, names: Mapping[str, str]) -> tuple[Row, float]:
        name = record.display_name
        rendered, valid_until = self._render_cells(record, names)
        cells = format_html_join(
            "",
            '<td data-label="{}">{}</td>',
            zip(self._labels, rendered, strict=True),
        )
        url = self._detail_url(record.id)
        if url is None:
            html = format_html('<tr><th scope="row">{}</th>{}</tr>', name, cells)
        else:
            html = format_html(
                '<tr><th scope="row"><a class="row-link" href="{}{}">{}</a></th>{}</tr>',
                url,
                self._from,
                name,
                cells,
            )
        return Row(record.id, name, html, rendered, self._labels), valid_until

    def _render_cells(
        self, record: Record, names: Mapping[str, str]
    ) -> tuple[tuple[SafeString, ...], float]:
        rendered = [cell(record, names) for cell in self._cells]
        valid_until = min((until for _, until in rendered), default=FOREVER)
        return tuple(html for html, _ in rendered), valid_until
