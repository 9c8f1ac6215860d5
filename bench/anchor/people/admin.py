from django.contrib import admin

from anchor.people.models import Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "phone", "title", "account", "owner", "updated_at")
    list_select_related = ("account", "owner")
    list_per_page = 25
    search_fields = ("name", "email")
