from django.apps import AppConfig


class ContactsUiConfig(AppConfig):
    name = "contacts_ui"
    verbose_name = "Contacts dashboard"
