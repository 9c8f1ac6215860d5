"""The Lightfield backend: an httpx client with retries and idempotent writes."""

from contacts_ui.crm.lightfield.capabilities import CAPABILITIES
from contacts_ui.crm.lightfield.client import LightfieldClient

__all__ = ["CAPABILITIES", "LightfieldClient"]
