"""How the site's database connections are set up when they open."""


def without_jit(sender, connection, **kwargs):
    """PostgreSQL's JIT compiler off for the connection (connected to Django's
    ``connection_created``). A page's queries are short, but the planner reckons a few
    of them past JIT's threshold (a sort over thousands of keys; every search statement,
    whose discouraged scans cost billions), and compiling one took longer than running
    it. A statement rather than a startup option, which connection poolers such as
    PgBouncer refuse; behind one in transaction mode it may not hold for every
    transaction, which makes those queries slower, never wrong."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
