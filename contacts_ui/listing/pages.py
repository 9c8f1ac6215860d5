"""Page links for a list whose rows live in the CRM: Django's Paginator over the CRM's total.

The CRM returns one page and a ``totalCount``; ``RemoteResults`` reports that total to Django's
``Paginator`` so ``get_elided_page_range`` draws the same page window as the admin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, overload

from django.core.paginator import Paginator

from contacts_ui.crm.models import Record

ON_EACH_SIDE = 2  # page numbers shown either side of the current one
ON_ENDS = 1


class RemoteResults(Sequence[Record]):
    """Hold one fetched page of records while reporting the CRM's total as the list's length."""

    def __init__(self, total: int, offset: int, records: Sequence[Record]) -> None:
        self.total = max(total, 0)
        self.offset = offset
        self.records = list(records)

    def count(self, value: Any = None) -> int:
        """Return the CRM's total (Django's Paginator calls ``count()`` with no argument)."""
        return self.total

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        # Only the fetched page exists here; the paginator asks for exactly that slice.
        if isinstance(index, slice):
            return self.records
        return self.records[index - self.offset]


def last_page(total: int, per_page: int) -> int:
    """Return the number of the last page (1 for an empty list)."""
    return max(1, math.ceil(total / per_page))


def page_window(total: int, per_page: int, number: int) -> list[int | None]:
    """Return the page numbers to link around ``number``; None marks a gap (…)."""
    paginator = Paginator(RemoteResults(total, 0, ()), per_page, allow_empty_first_page=True)
    window = paginator.get_elided_page_range(number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS)
    return [item if isinstance(item, int) else None for item in window]
