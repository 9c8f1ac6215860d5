"""Fetch the CRM's field definitions now instead of waiting for the cache to expire."""

from django.core.management.base import BaseCommand, CommandError

from contacts_ui.crm.errors import CRMError
from contacts_ui.services.definitions import OBJECT_TYPES, refresh_definitions


class Command(BaseCommand):
    help = "Fetch the CRM's field and relationship definitions again and refresh the cache."

    def handle(self, *args: object, **options: object) -> None:
        for object_type in OBJECT_TYPES:
            try:
                definitions = refresh_definitions(object_type)
            except CRMError as exc:
                raise CommandError(f"Could not fetch {object_type} definitions: {exc}") from exc
            self.stdout.write(
                f"{object_type}: {len(definitions.field_definitions)} fields, "
                f"{len(definitions.relationship_definitions)} relationships"
            )
