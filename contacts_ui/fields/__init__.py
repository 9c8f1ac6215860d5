"""One registry entry per CRM value type: how a value is shown (and, later, edited)."""

from contacts_ui.fields.registry import EMPTY, REGISTRY, display_text, entry_for

__all__ = ["EMPTY", "REGISTRY", "display_text", "entry_for"]
