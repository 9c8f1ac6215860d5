"""The production services: the caches on Redis and the dashboard's tables on PostgreSQL.

SQLite and the local-memory cache are the embedded default; a real deployment sets
DATABASE_URL and REDIS_URL. .ci/run starts both servers; locally these tests skip without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.services import contacts as contact_service
from contacts_ui.services.definitions import get_definitions

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable ({exc}); .ci/run starts it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def redis_cache(crm: LightfieldClient) -> Iterator[None]:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as exc:
        _unavailable("Redis", exc)
    settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=settings):
        yield
        caches["default"].clear()


@pytest.mark.django_db
def test_definitions_and_names_are_shared_through_redis(
    client: Client, crm: LightfieldClient, redis_cache: None
) -> None:
    assert client.get("/contacts/").status_code == 200
    before = crm.request_count
    assert client.get("/contacts/").status_code == 200
    # At most the list itself: an identical list a moment ago may even answer this one.
    assert crm.request_count - before <= 1
    definitions = get_definitions("contacts")
    assert definitions.field_definitions["$name"].value_type == "FULL_NAME"


@pytest.mark.django_db
def test_a_contact_survives_the_round_trip_through_redis(
    client: Client, crm: LightfieldClient, redis_cache: None
) -> None:
    record = crm.list_contacts(limit=1).data[0]
    contact_service.remember_contact(record)
    cached, _ = contact_service.get_contact(record.id)
    assert cached == record


@pytest.fixture
def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"contacts_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        _unavailable("PostgreSQL", exc)
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_and_the_audit_log_work_on_postgresql(postgres_database: str) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "DATABASE_URL": postgres_database,
        "DEBUG": "true",
    }
    script = (
        "from contacts_ui.services import audit\n"
        "from contacts_ui.models import AuditEntry\n"
        "actor = audit.Actor(user=None, username='ana@example.com', groups=('sales',))\n"
        "change = audit.Change.of_fields({'$title': 'CTO'}, {'$title': 'Directeur général ü'})\n"
        "audit.record(actor, 'update', 'con_1', change, idempotency_key='k1')\n"
        "entry = AuditEntry.objects.get(record_id='con_1')\n"
        "assert entry.changes['$title']['after'] == 'Directeur général ü', entry.changes\n"
        "assert AuditEntry.objects.filter(changes__has_key='$title').count() == 1\n"
        "print('ok')\n"
    )
    for command in (["migrate", "--noinput"], ["shell", "-c", script]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("ok")
