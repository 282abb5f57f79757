"""Reading settings from the environment (twelve-factor style).

Small on purpose: the project needs booleans, lists, integers and one database URL,
which is not worth a dependency.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return switch(raw, name)


def switch(raw, name):
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_float(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None


def default_cache_dir(base_dir: Path):
    """A folder in the system's temporary space for this checkout's cache, the same for
    every process that runs from it (so that all of them share one cache)."""
    digest = hashlib.sha256(str(base_dir.resolve()).encode()).hexdigest()[:12]
    return str(Path(tempfile.gettempdir()) / f"portal-cache-{digest}")


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
}


DJANGO_SWITCHES = {"server_side_binding", "pool"}


def database_from_url(url, base_dir: Path):
    """Turn ``postgres://user:pass@host:port/name?opt=val`` or ``sqlite:///path`` into
    a Django DATABASES entry."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported; use sqlite:/// or postgres://."
        )
    if scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///name is relative to the project; sqlite:////abs/path is absolute.
        name = path[1:]
        if not name or name == ":memory:":
            name = ":memory:"
        elif not Path(name).is_absolute():
            name = str(base_dir / name)
        # IMMEDIATE: a transaction that will write takes SQLite's write lock when it
        # begins, not at its first write. Two admin saves of one record then run one after
        # the other (the second reads the first's version and is refused), where a
        # deferred second writer would fail with "database is locked".
        return {
            "ENGINE": ENGINES[scheme],
            "NAME": name,
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
        }
    config = {
        "ENGINE": ENGINES[scheme],
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }
    # Django's own switches of the PostgreSQL backend are read as true or false (as
    # text, "false" would switch them on); every other option is libpq's, as text.
    options = {
        key: switch(value, f"DATABASE_URL's {key}") if key in DJANGO_SWITCHES else value
        for key, value in parse_qsl(parts.query)
    }
    if options:
        config["OPTIONS"] = options
    return config
