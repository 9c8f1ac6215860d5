"""One registry entry per CRM value type: how a value is shown (and, later, edited)."""

from contacts_ui.fields.display import EMPTY, DisplayContext
from contacts_ui.fields.registry import REGISTRY, display_html, display_text, entry_for

__all__ = ["EMPTY", "REGISTRY", "DisplayContext", "display_html", "display_text", "entry_for"]
