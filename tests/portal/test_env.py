from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.blocks.env import database_from_url, env_bool, env_list

BASE = Path("/srv/portal")


def test_sqlite_default_is_relative_to_the_project():
    assert database_from_url("sqlite:///db.sqlite3", BASE) == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/portal/db.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
    }


def test_sqlite_absolute_path():
    assert database_from_url("sqlite:////var/lib/portal.db", BASE)["NAME"] == "/var/lib/portal.db"


def test_postgres_url_with_options():
    config = database_from_url(
        "postgres://app:p%40ss@db.internal:6432/portal?sslmode=require", BASE
    )
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "portal",
        "USER": "app",
        "PASSWORD": "p@ss",
        "HOST": "db.internal",
        "PORT": "6432",
        "OPTIONS": {"sslmode": "require"},
    }


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("0", False)])
def test_postgres_switches_are_true_or_false_not_text(value, expected):
    url = f"postgres://app@db/portal?server_side_binding={value}&sslmode=disable"
    options = database_from_url(url, BASE)["OPTIONS"]
    assert options == {"server_side_binding": expected, "sslmode": "disable"}
    with pytest.raises(ImproperlyConfigured, match="server_side_binding must be true or false"):
        database_from_url("postgres://app@db/portal?server_side_binding=maybe", BASE)


def test_unknown_database_scheme_says_what_to_use():
    with pytest.raises(ImproperlyConfigured, match="sqlite:/// or postgres://"):
        database_from_url("mysql://root@localhost/portal", BASE)


def test_env_bool_and_list(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="true or false"):
        env_bool("FLAG")
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]
