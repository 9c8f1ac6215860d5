"""The HighLevel (LeadConnector) backend of the CRM port."""

from contacts_ui.crm.highlevel.client import HighLevelClient

__all__ = ["HighLevelClient"]
