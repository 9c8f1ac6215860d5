"""The HighLevel fixtures for the tests in this folder."""

from tests.integration.highlevel_support import hl_crm, hl_recorder, hl_seeded

__all__ = ["hl_crm", "hl_recorder", "hl_seeded"]
