"""A pytest plugin loaded before Django is set up (``-p tests.environment`` in
pyproject.toml): the suite runs with production settings (DEBUG off), so it needs the
values production must provide. Real environment variables still win."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

# A cache of this run's own (the default file cache is shared by every process of a
# checkout): a second run at the same time, or a developer's server, never shares it.
os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="portal-test-cache-"))
