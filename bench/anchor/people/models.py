"""The contacts, accounts and owners of the demo workspace, as plain Django models."""

from django.db import models


class Member(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    account = models.ForeignKey(Account, null=True, on_delete=models.SET_NULL)
    owner = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(null=True)
    position = models.IntegerField(db_index=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name
