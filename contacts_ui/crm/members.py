"""Match workspace members against what a person typed (CRMs rarely filter their users)."""

from __future__ import annotations

from collections.abc import Iterable

from contacts_ui.crm.models import Record


def match_members(members: Iterable[Record], typed: str) -> list[Record]:
    """Return members whose name, any word of it, or first email starts with ``typed``."""
    wanted = typed.strip().casefold()
    found = []
    for member in members:
        name = member.display_name.casefold()
        emails = member.value("$email") or ""
        email = str(emails[0] if isinstance(emails, list) and emails else emails).casefold()
        if (
            name.startswith(wanted)
            or email.startswith(wanted)
            or any(word.startswith(wanted) for word in name.split())
        ):
            found.append(member)
    return found
