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


def member_emails(member: Record) -> list[str]:
    """Return a member's email addresses, trimmed and case-folded (one, or a list)."""
    value = member.value("$email")
    items = value if isinstance(value, list | tuple) else [value]
    return [
        str(item).strip().casefold() for item in items if isinstance(item, str) and item.strip()
    ]


def member_with_email(members: Iterable[Record], email: str) -> Record | None:
    """Return the one member whose email is ``email`` (trimmed, any case), else None.

    Two members with the same address (a CRM that allows it) are no answer either: guessing
    would give a contact the wrong owner.
    """
    wanted = email.strip().casefold()
    if not wanted:
        return None
    found = [member for member in members if wanted in member_emails(member)]
    return found[0] if len(found) == 1 else None
