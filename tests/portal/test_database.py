"""How the site's database connections are set up (portal.blocks.database)."""

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_a_new_connection_runs_without_jit():
    # A connection of its own, opened here, as a worker's is.
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    finally:
        fresh.close()
