"""Delete audit entries older than AUDIT_RETENTION_DAYS (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from contacts_ui.services import audit


class Command(BaseCommand):
    help = "Delete audit log entries older than AUDIT_RETENTION_DAYS."

    def handle(self, *args: object, **options: object) -> None:
        deleted = audit.prune()
        self.stdout.write(f"deleted {deleted} audit entries")
