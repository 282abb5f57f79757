"""Matching typed words against records: the one place the site search and the ``q`` of
every list page decide what matches, and how well.

A model describes what is searched (``SearchFields``): its names (a name or title in
each language), short texts (summaries, addresses, places), long texts (descriptions,
bodies), the records it points at (disciplines, venue, series: their names) and its
choices (kinds, fields, countries: their labels in both languages). Each word typed
must match somewhere (words are ANDed, fields ORed). A match is ranked by where it is
(``Tier``): in a name first, then a short text or a related name or a label, then a long
text, then a name that is only close to the word (a typo).

How it matches depends on the database (docs/decisions.md, "Search"):

- PostgreSQL: names, short texts and related names by substring, on two stored
  generated columns of each table, its names joined (``NAMES_COLUMN``) and its names
  and short texts joined (``TEXT_COLUMN``), in capitals, each with a trigram GIN index
  (``pg_trgm``; PostgreSQL's word parser takes a run of Hangul as one word, so "도자"
  inside "한국도자재단" needs substrings): a word is one condition on a column however
  many fields it stands for. Long texts by full-text search of the words' beginnings
  (a stored ``tsvector`` column, ``WORDS_COLUMN``, ``@@ 'word':*``, GIN-indexed), which
  finds Korean words with their endings (도자 → 도자기를); typos by trigram word
  similarity with the names (``%>``, the names column's index). The conditions are
  written as SQL (``_Word``), not built as querysets.
- SQLite: substrings everywhere (long texts too); typos by the name containing the
  word's beginning (all but its last two letters, at least three): cheap, bounded, and
  it finds a misspelt ending ("Limogse" → "Limo…").

``SearchIndexes`` and ``SearchColumns`` make the PostgreSQL columns and indexes in a
migration and do nothing on other databases. The site search bounds its work
(``ranked``, ``count``, ``bounded``): a common word matches tens of thousands of
records.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import OperationalError, connections, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import Case, F, IntegerField, Lookup, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Length, NullIf
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

# Longer searches are refused with a message (a form field's max_length is this too).
MAX_LENGTH = 100
# Words beyond these are ignored: each costs a condition on every searched field.
MAX_WORDS = 6
# A word this short matches names only (a letter in a description matches everything).
NAME_ONLY_BELOW = 2
# A word this long matches anywhere in a name or short text; a shorter one, at the
# beginning of a word (a trigram index has nothing to look up for it otherwise).
SUBSTRING_FROM = 3
# Words this long may also match a name that is only close to them.
TYPO_FROM = 4

# Matching records are counted up to this many ("1,000 or more").
COUNT_CAP = 1000
# Records ranked at most, best first (``ranked``): ten pages of twenty.
RANKED = 200

# PostgreSQL: the column that holds the words of a table's long texts (a tsvector).
WORDS_COLUMN = "search_words"
# PostgreSQL: the columns that hold a table's names, and its names and short texts,
# joined and in capitals (text, trigram-indexed; see ``column_statements``).
NAMES_COLUMN = "search_names"
TEXT_COLUMN = "search_text"

# PostgreSQL: a search statement running longer than this is cancelled (``bounded``).
STATEMENT_TIMEOUT_MS = 2000

# PostgreSQL: what the planner reckons testing a condition on a row costs, within a
# search (``bounded``); four times its default.
CPU_OPERATOR_COST = 0.01

# Stands for a blank in the migration's index names; short, for PostgreSQL's 63 bytes.
INDEX_PREFIX = "ts_"


class Tier:
    """Where a record matched, best first (the ``search_tier`` annotation)."""

    NAME = 0
    TEXT = 1
    TYPO = 2
    LONG = 3


@dataclass(frozen=True)
class Related:
    """Records a record points at (``relation``, a field name), matched by their own
    ``fields``; publishable ones count only while published. On PostgreSQL the related
    table's ``NAMES_COLUMN`` is read: it must join those fields (``SearchColumns``)."""

    relation: str
    fields: tuple


@dataclass(frozen=True)
class SearchFields:
    """What a model's records are searched by. On PostgreSQL its table needs its joined
    columns (``SearchColumns`` in a migration) and, with long texts, its vector of
    their words (``SearchIndexes``)."""

    names: tuple
    texts: tuple = ()
    long: tuple = ()
    related: tuple = ()
    # (field, function returning (value, label) pairs): labels in both languages match.
    choices: tuple = ()


def words(text):
    """The words of ``text`` to match (at most ``MAX_WORDS``), without the characters
    that are neither letters nor digits at their ends; empty for nothing searchable."""
    found = []
    for raw in (text or "").split():
        word = raw.strip("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~…·“”‘’「」『』")
        if word and any(ch.isalnum() for ch in word):
            found.append(word)
    return found[:MAX_WORDS]


def vendor(queryset):
    return connections[queryset.db].vendor


def _choices_matching(word, choices):
    """The values whose label, in Korean or English, contains ``word``."""
    folded = word.casefold()
    values = set()
    for language in ("ko", "en"):
        with translation.override(language):
            values.update(value for value, label in choices() if folded in str(label).casefold())
    return values


# --- SQLite (and any database but PostgreSQL): Django's lookups ------------------------


def _any_contains(fields, word):
    return reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields))


def _word_start(fields, word):
    """A word of the field begins with ``word`` (a word of one or two letters)."""
    return reduce(
        or_,
        (
            Q(**{f"{name}__istartswith": word}) | Q(**{f"{name}__icontains": f" {word}"})
            for name in fields
        ),
    )


def _related_matching(queryset, related, word, contains):
    """``related``'s records (published ones, where that applies) whose fields contain
    ``word``, as a condition on ``queryset``'s records."""
    field = queryset.model._meta.get_field(related.relation)
    target = field.related_model._default_manager.all()
    if hasattr(target, "published"):
        target = target.published()
    target = target.filter(contains(related.fields, word)).order_by().values("pk")
    return Q(**{f"{related.relation}__in": target})


class _Match:
    """The conditions one word meets on one model, per tier (SQLite)."""

    def __init__(self, queryset, spec, word):
        contains = _word_start if len(word) < SUBSTRING_FROM else _any_contains
        self.name = contains(spec.names, word)
        self.text = Q()  # short texts, related names, choice labels
        self.long = Q()
        self.typo = Q()
        if len(word) < NAME_ONLY_BELOW:
            return
        self.text = reduce(or_, (contains((name,), word) for name in spec.texts), Q())
        for related in spec.related:
            self.text |= _related_matching(queryset, related, word, contains)
        for name, choices in spec.choices:
            values = _choices_matching(word, choices)
            if values:
                self.text |= Q(**{f"{name}__in": sorted(values)})
        if spec.long:
            self.long = contains(spec.long, word)
        if len(word) >= TYPO_FROM:
            self.typo = _any_contains(spec.names, word[: max(3, len(word) - 2)])

    def condition(self, tier=Tier.LONG):
        """The word matches in ``tier`` or a better one."""
        found = [self.name, self.text, self.typo, self.long][: tier + 1]
        return reduce(or_, (q for q in found if q))

    def tier(self):
        """The tier of a record that matched this word (long texts are what is left)."""
        whens = [When(self.name, then=Value(Tier.NAME))]
        if self.text:
            whens.append(When(self.text, then=Value(Tier.TEXT)))
        if self.typo:
            whens.append(When(self.typo, then=Value(Tier.TYPO)))
        return Case(*whens, default=Value(Tier.LONG), output_field=IntegerField())


def _all(matches, tier=Tier.LONG):
    return reduce(and_, (match.condition(tier) for match in matches))


# --- PostgreSQL: SQL over the joined columns -------------------------------------------
#
# Written out rather than built with Django's lookups: building and compiling a search's
# conditions as querysets cost more than PostgreSQL took to run them. Each condition is
# (sql, params); ``t`` is how the statement names the record's table. Only names of
# tables and columns (from the models) and integers are written into the SQL; what a
# visitor types is always a parameter.


def _or(*parts):
    parts = [part for part in parts if part]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return "(" + " OR ".join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]


def _and(parts):
    return "(" + " AND ".join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]


def _where(queryset):
    """The conditions of ``queryset`` (one table, no joins: ``.published()`` and the
    like), naming its table as it is: ``(sql, params)``, ``("TRUE", [])`` for none."""
    query = queryset.query
    if not query.where:
        return "TRUE", []
    if len(query.alias_map) > 1:
        raise ValueError("A search reads one table: filter the related records first.")
    sql, params = query.get_compiler(using=queryset.db).compile(query.where)
    return sql or "TRUE", list(params)


def _like_pattern(word):
    """What a joined column (texts each after a blank) is ``LIKE`` when it has
    ``word``: anywhere, or at a word's beginning when the word is too short for a
    trigram of its own (see ``SUBSTRING_FROM``)."""
    escaped = re.sub(r"([\\%_])", r"\\\1", word)
    return f"% {escaped}%" if len(word) < SUBSTRING_FROM else f"%{escaped}%"


def _prefix_query(word):
    """``word`` as a tsquery of its words' beginnings: letters and digits only, so
    nothing a visitor types is read as tsquery syntax."""
    parts = re.findall(r"\w+", word)
    return " & ".join(f"{part}:*" for part in parts)


class _Word:
    """The conditions one word meets on one model, per tier, in PostgreSQL's SQL: each
    a single condition on a joined column (names; names and short texts; the long
    texts' words), whatever the number of fields. Every alternative is a column of the
    record's own table, so that PostgreSQL can combine their indexes (a BitmapOr per
    word, a BitmapAnd of the words) and read only the rows that match: a related record
    through its keys (``= ANY(ARRAY(…))``, worked out once and looked up in the foreign
    key's B-tree index), a choice as ``IN (values)``."""

    def __init__(self, queryset, spec, word):
        self.spec = spec
        self.pattern = _like_pattern(word)
        self.word = word
        self.related = []  # (how it reads the record's table, sql, params)
        self.choices = []  # (column, values)
        self.tsquery = ""
        self.typo = False
        if len(word) < NAME_ONLY_BELOW:
            return
        model = queryset.model
        for related in spec.related:
            self.related.append(self._related(queryset, model._meta.get_field(related.relation)))
        for name, choices in spec.choices:
            values = _choices_matching(word, choices)
            if values:
                self.choices.append((model._meta.get_field(name).column, sorted(values)))
        if spec.long:
            self.tsquery = _prefix_query(word)
        self.typo = len(word) >= TYPO_FROM

    def _related(self, queryset, field):
        """The keys of the related records (published ones, where that applies) whose
        names (their ``NAMES_COLUMN``) have the word: ``(column, sql, params)``, the
        column of the record's table (its key, for a many-to-many) one of those keys."""
        target = field.related_model._default_manager.using(queryset.db).all()
        if hasattr(target, "published"):
            target = target.published()
        table = _quote(target.model._meta.db_table)
        where, params = _where(target)
        keys = (
            f"SELECT {table}.{_quote(target.model._meta.pk.column)} FROM {table}"  # noqa: S608
            f' WHERE {where} AND {table}."{NAMES_COLUMN}" LIKE UPPER(%s)'
        )
        params = [*params, self.pattern]
        if not field.many_to_many:
            return field.column, keys, params
        through = field.remote_field.through._meta
        link = _quote(through.db_table)
        to_column = through.get_field(field.m2m_reverse_field_name()).column
        from_column = through.get_field(field.m2m_field_name()).column
        links = (
            f"SELECT {link}.{_quote(from_column)} FROM {link}"  # noqa: S608
            f" WHERE {link}.{_quote(to_column)} = ANY(ARRAY({keys}))"
        )
        return queryset.model._meta.pk.column, links, params

    def name(self, t):
        return f'{t}."{NAMES_COLUMN}" LIKE UPPER(%s)', [self.pattern]

    def text(self, t):
        """Short texts (with the names: the column holds both), related names, labels."""
        if len(self.word) < NAME_ONLY_BELOW:
            return None
        parts = []
        if self.spec.texts:
            parts.append((f'{t}."{TEXT_COLUMN}" LIKE UPPER(%s)', [self.pattern]))
        for column, sql, params in self.related:
            parts.append((f"{t}.{_quote(column)} = ANY(ARRAY({sql}))", params))
        for column, values in self.choices:
            placeholders = ", ".join(["%s"] * len(values))
            parts.append((f"{t}.{_quote(column)} IN ({placeholders})", values))
        return _or(*parts)

    def typo_match(self, t):
        if not self.typo:
            return None
        return f'{t}."{NAMES_COLUMN}" %%> UPPER(%s)', [self.word]

    def long(self, t):
        if not self.tsquery:
            return None
        return f"{t}.\"{WORDS_COLUMN}\" @@ to_tsquery('simple'::regconfig, %s)", [self.tsquery]

    def condition(self, t, tier=Tier.LONG):
        """The word matches in ``tier`` or a better one. The name needs no condition of
        its own past the name tier when the short texts' column holds the names too.
        Where PostgreSQL tests a row rather than look it up in an index, it tests the
        alternatives in this order: the trigram similarity, the dearest, last."""
        text = self.text(t)
        found = [self.name(t) if tier == Tier.NAME or not self.spec.texts or not text else None]
        if tier >= Tier.TEXT:
            found.append(text)
        if tier >= Tier.LONG:
            found.append(self.long(t))
        if tier >= Tier.TYPO:
            found.append(self.typo_match(t))
        return _or(*found)

    def tier(self, t):
        """The tier of a record that matched this word (long texts are what is left:
        their vectors are not read again for each record)."""
        whens = [(self.name(t), Tier.NAME), (self.text(t), Tier.TEXT)]
        whens.append((self.typo_match(t), Tier.TYPO))
        sql = ["CASE"]
        params = []
        for when, tier in whens:
            if when:
                sql.append(f"WHEN {when[0]} THEN {tier:d}")
                params += when[1]
        sql.append(f"ELSE {Tier.LONG:d} END")
        return " ".join(sql), params


def _quote(name):
    return f'"{name}"'


def _words_matching(t, found, tier=Tier.LONG):
    return _and([word.condition(t, tier) for word in found])


class _Matches(Lookup):
    """PostgreSQL: the record matches every word (a list of ``_Word``), as a condition
    Django can combine with others. The left-hand side is one of the record's fields,
    only to learn how the statement names its table (an alias in a subquery)."""

    lookup_name = "search_matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        table = lhs.rsplit(".", 1)[0]
        sql, params = _words_matching(table, self.rhs)
        return sql, [*lhs_params, *params]


def matching(queryset, text, spec):
    """``queryset`` narrowed to the records every word of ``text`` matches. Nothing
    searchable in ``text``: no record."""
    found = words(text)
    if not found:
        return queryset.none()
    if vendor(queryset) == "postgresql":
        found = [_Word(queryset, spec, word) for word in found]
        return queryset.filter(_Matches(F(spec.names[0]), found))
    return queryset.filter(_all([_Match(queryset, spec, word) for word in found]))


class _Bounded:
    """PostgreSQL: a search's bounded sets of keys, as the common table expressions
    ``search_named`` (up to ``best`` records every word matches in a name),
    ``search_texted`` (up to ``COUNT_CAP + 1`` that match anywhere but a long text) and
    ``search_anywhere`` (up to ``COUNT_CAP + 1`` that match anywhere; ``best`` if more),
    each worked out
    once (``MATERIALIZED``) however often the statement reads it.

    ``search_anywhere`` is worked out only when ``search_texted`` has not reached the
    cap: a common word's long texts are what costs most to read (most descriptions have
    "museum"), and once more than ``COUNT_CAP`` match elsewhere neither the count nor
    the best ``best`` need them. PostgreSQL tests that once, before reading anything
    (a "one-time filter")."""

    @staticmethod
    def total():
        """How many match, up to COUNT_CAP + 1 (search_anywhere is empty past the cap)."""
        return (
            "SELECT LEAST(GREATEST((SELECT COUNT(*) FROM search_texted),"  # noqa: S608
            f" (SELECT COUNT(*) FROM search_anywhere)), {COUNT_CAP + 1:d})"
        )

    def __init__(self, queryset, found, best):
        self.table = _quote(queryset.model._meta.db_table)
        self.key = f"{self.table}.{_quote(queryset.model._meta.pk.column)}"
        self.found = found
        where, where_params = _where(queryset)
        parts = []
        self.params = []
        # Enough to count and to rank.
        enough = max(COUNT_CAP + 1, best)
        for name, tier, limit, gate in (
            ("search_named", Tier.NAME, best, ""),
            ("search_texted", Tier.TYPO, enough, ""),
            (
                "search_anywhere",
                Tier.LONG,
                enough,
                f" AND (SELECT COUNT(*) FROM search_texted) <= {COUNT_CAP:d}",  # noqa: S608
            ),
        ):
            condition, params = _words_matching(self.table, found, tier)
            parts.append(
                f"{name} (id) AS MATERIALIZED (SELECT {self.key} FROM {self.table}"  # noqa: S608
                f" WHERE {where} AND {condition}{gate} LIMIT {limit:d})"
            )
            self.params += [*where_params, *params]
        self.sql = "WITH " + ", ".join(parts) + " "
        self.best = best

    def candidates(self):
        """The keys of the records to rank: every tier's first ``best``."""
        return (
            "SELECT id FROM search_named"  # noqa: S608
            f" UNION SELECT id FROM (SELECT id FROM search_texted LIMIT {self.best:d}) texted"
            f" UNION SELECT id FROM (SELECT id FROM search_anywhere LIMIT {self.best:d}) anywhere"
        )


def count(queryset, text, spec):
    """How many records ``matching`` finds, counted up to ``COUNT_CAP + 1``."""
    found = words(text)
    if not found:
        return 0
    if vendor(queryset) != "postgresql":
        return matching(queryset, text, spec).order_by().values("pk")[: COUNT_CAP + 1].count()
    keys = _Bounded(queryset, [_Word(queryset, spec, word) for word in found], RANKED)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(keys.sql + keys.total(), keys.params)
        return cursor.fetchone()[0]


class _CappedCount(Subquery):
    """How many rows a query finds, counting no further than its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) search_capped)"
    output_field = IntegerField()


def ranked(queryset, text, spec, offset, limit, fields=None, best=RANKED):
    """Records every word of ``text`` matches, ranked: ``limit`` of them from
    ``offset`` within the best ``best`` (loading only ``fields``, if given), and how
    many match, counted up to ``COUNT_CAP + 1``: ``(rows, total)``, in one query. Each
    row has its ``search_tier`` (the worst tier of its words, ``Tier``). Best first:
    by tier, then names that start with the first word, then shorter names, then the
    key. ``queryset`` reads one table (``.published()`` and the like).

    A common word matches tens of thousands of records, and ranking them all means
    reading them all. So on PostgreSQL only ``best`` records of each tier or better are
    ranked (names; anything but long texts; everything; see ``_Bounded``), each found
    from the indexes and read no further than that: the first ``best`` positions have
    the right tiers, and within a tier bigger than ``best`` the order is that of
    ``best`` of its records. SQLite (development and tests) ranks every match.
    """
    found = words(text)
    limit = max(0, min(limit, best - offset))
    if not found or not limit:
        return [], 0
    if vendor(queryset) == "postgresql":
        rows = list(_ranked_postgresql(queryset, found, spec, offset, limit, fields, best))
    else:
        rows = list(_ranked(queryset, found, spec, offset, limit, fields))
    return rows, (rows[0].search_total if rows else 0)


def _ranked(queryset, found, spec, offset, limit, fields):
    matches = [_Match(queryset, spec, word) for word in found]
    matched = queryset.filter(_all(matches))
    # A record's tier is the worst of its words' tiers (never NULL, so Greatest means
    # the same on both databases).
    tiers = [match.tier() for match in matches]
    starts = reduce(or_, (Q(**{f"{name}__istartswith": found[0]}) for name in spec.names))
    # The shortest of its names: "Limoges" before "Limoges Porcelain Museum".
    lengths = [Length(NullIf(name, Value(""))) for name in spec.names]
    page = matched.annotate(
        search_tier=tiers[0] if len(tiers) == 1 else Greatest(*tiers),
        search_starts=Case(When(starts, then=Value(0)), default=Value(1)),
        search_length=Coalesce(*lengths, Value(999)),
        search_total=_CappedCount(matched.order_by().values("pk")[: COUNT_CAP + 1]),
    ).order_by("search_tier", "search_starts", "search_length", "pk")
    if fields:
        page = page.only(*fields)
    return page[offset : offset + limit]


def _ranked_postgresql(queryset, found, spec, offset, limit, fields, best):
    """``_Bounded``'s keys ranked, in one statement run as raw SQL (the records
    loaded with ``fields`` only, the rest deferred)."""
    model = queryset.model
    words_ = [_Word(queryset, spec, word) for word in found]
    keys = _Bounded(queryset, words_, best)
    t = keys.table
    meta = model._meta
    names = fields or [field.attname for field in meta.concrete_fields]
    columns = dict.fromkeys([meta.pk.column, *(meta.get_field(name).column for name in names)])
    select = [f"{t}.{_quote(column)}" for column in columns]
    params = []
    tiers = [word.tier(t) for word in words_]
    if len(tiers) == 1:
        select.append(f"{tiers[0][0]} AS search_tier")
    else:
        select.append(f"GREATEST({', '.join(sql for sql, _ in tiers)}) AS search_tier")
    params += [p for _, ps in tiers for p in ps]
    name_columns = [_quote(meta.get_field(name).column) for name in spec.names]
    starts = " OR ".join(f"UPPER({t}.{column}::text) LIKE UPPER(%s)" for column in name_columns)
    select.append(f"CASE WHEN {starts} THEN 0 ELSE 1 END AS search_starts")
    params += [re.sub(r"([\\%_])", r"\\\1", found[0]) + "%"] * len(name_columns)
    # The shortest of its names: "Limoges" before "Limoges Porcelain Museum".
    lengths = ", ".join(f"LENGTH(NULLIF({t}.{column}, ''))" for column in name_columns)
    select.append(f"COALESCE({lengths}, 999) AS search_length")
    select.append(f"({keys.total()}) AS search_total")
    sql = (
        f"SELECT {', '.join(select)} FROM {t} WHERE {keys.key} IN ({keys.candidates()})"  # noqa: S608
        f" ORDER BY search_tier, search_starts, search_length, {keys.key}"
        f" LIMIT {limit:d} OFFSET {offset:d}"
    )
    manager = model._default_manager.db_manager(queryset.db)
    return manager.raw(keys.sql + sql, keys.params + params)


class TooSlow(Exception):
    """A search ran out of time (``bounded``)."""


@contextmanager
def bounded(using="default", timeout_ms=STATEMENT_TIMEOUT_MS):
    """Searches run inside: on PostgreSQL, in a transaction where each statement may
    take ``timeout_ms`` at most (past that, ``TooSlow``), and where the planner uses
    bitmap scans of the search indexes rather than read a table in some order and test
    each row: with a LIMIT it expects to stop early, which for a rare word means
    reading every row (and with more than one word its estimates are poor). Nothing
    on other databases.

    The discouraged plans cost billions in the planner's units, past any threshold of
    its JIT compiler, which would spend longer compiling a statement than running it:
    JIT is off within, as on the site's connections (``database.without_jit``), which
    a connection pooler may not keep. A search only reads, so its transaction is
    rolled back at the end: inside a caller's transaction that rolls back to a
    savepoint, which is what ends these settings there (releasing it would leave them
    to every later statement)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(using=using):
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true),"
                        " set_config('enable_seqscan', 'off', true),"
                        " set_config('enable_indexscan', 'off', true),"
                        " set_config('jit', 'off', true),"
                        " set_config('cpu_operator_cost', %s, true)",
                        [str(timeout_ms), str(CPU_OPERATOR_COST)],
                    )
                yield
            finally:
                transaction.set_rollback(True, using=using)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise TooSlow from error
        raise


def highlight_terms(text):
    """The words ``highlight`` marks, longest first (so that "도자기" wins over "도자")."""
    return sorted(set(words(text)), key=len, reverse=True)


def highlight(value, text):
    """``value`` escaped, each occurrence of a word of ``text`` (case-insensitive) in a
    ``<mark>``. Safe HTML."""
    value = str(value or "")
    terms = highlight_terms(text)
    if not terms or not value:
        return escape(value)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    parts = []
    position = 0
    for found in pattern.finditer(value):
        parts.append(escape(value[position : found.start()]))
        parts.append(format_html("<mark>{}</mark>", found.group(0)))
        position = found.end()
    parts.append(escape(value[position:]))
    return SafeString("".join(parts))


def excerpt(value, text, width=160):
    """About ``width`` characters of ``value`` around the first word of ``text`` found
    in it (with "…" where it is cut), or its beginning; plain text."""
    value = " ".join(str(value or "").split())
    if len(value) <= width:
        return value
    at = -1
    for term in highlight_terms(text):
        at = value.casefold().find(term.casefold())
        if at >= 0:
            break
    start = max(0, at - width // 3) if at >= 0 else 0
    end = min(len(value), start + width)
    cut = value[start:end]
    return ("…" if start else "") + cut + ("…" if end < len(value) else "")


# --- PostgreSQL indexes ---------------------------------------------------------------


def index_statements(table, substring_columns, word_columns=(), key_columns=()):
    """The statements for one table (with the one that undoes each): a trigram GIN
    index on ``UPPER(col::text)`` of each substring column (what ``icontains`` and
    ``%>`` read); the words of all the long columns in one stored generated column
    (``WORDS_COLUMN``, ``to_tsvector('simple', …)``) with a GIN index; a B-tree index
    on each key column (a choice such as a kind, matched by its label).

    The vector is stored rather than indexed as an expression because a trigram match
    is always rechecked on the row, and the recheck works out every condition of the
    search again: as an expression, that meant the vector of each candidate row's
    descriptions (tens of microseconds each, thousands of rows). A column a generated
    column reads cannot change type: drop ``WORDS_COLUMN`` first (the reverse of this
    operation), alter, and make it again."""
    statements = [
        (
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" {how}',
            f'DROP INDEX IF EXISTS "{name}"',
        )
        for name, how in [
            *((f"{INDEX_PREFIX}{table}_{column}"[:63], f'("{column}")') for column in key_columns),
            *(
                (
                    f"{INDEX_PREFIX}{table}_{column}"[:63],
                    f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
                )
                for column in substring_columns
            ),
        ]
    ]
    if word_columns:
        text = " || ' ' || ".join(f"COALESCE(\"{column}\", '')" for column in word_columns)
        name = f"{INDEX_PREFIX}{table}_words"[:63]
        statements += [
            (
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{WORDS_COLUMN}" tsvector '
                f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {text})) STORED",
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{WORDS_COLUMN}"',
            ),
            (
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{WORDS_COLUMN}")',
                f'DROP INDEX IF EXISTS "{name}"',
            ),
        ]
    return statements


class SearchIndexes(Operation):
    """A migration operation: the search indexes of one table on PostgreSQL (see
    ``index_statements``); nothing on other databases, and nothing in the models'
    state (SQLite would otherwise be asked for GIN indexes when it rebuilds a table).
    Needs ``pg_trgm`` (``TrigramExtension`` in an earlier migration)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, table, substring_columns, word_columns=(), key_columns=()):
        self.table = table
        self.substring_columns = list(substring_columns)
        self.word_columns = list(word_columns)
        self.key_columns = list(key_columns)

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.table, self.substring_columns, self.word_columns, self.key_columns],
            {},
        )

    def state_forwards(self, app_label, state):
        pass

    def _statements(self):
        return index_statements(
            self.table, self.substring_columns, self.word_columns, self.key_columns
        )

    def _run(self, schema_editor, which):
        if schema_editor.connection.vendor != "postgresql":
            return
        statements = self._statements()
        for statement in statements if which == 0 else reversed(statements):
            schema_editor.execute(statement[which])

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, 0)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, 1)

    def describe(self):
        return f"Search indexes on {self.table} (PostgreSQL only)"


def _joined(columns):
    """The columns' texts, in capitals, each after a blank (so that a word's beginning
    is always after a blank, and no word runs from one text into the next)."""
    return "UPPER(" + " || ".join(f"' ' || COALESCE(\"{column}\", '')" for column in columns) + ")"


def column_statements(table, names, texts=()):
    """The statements for one table (with the one that undoes each): its names joined
    (``NAMES_COLUMN``) and, when it has short texts, its names and short texts joined
    (``TEXT_COLUMN``), each a stored generated text column with a trigram GIN index.

    One column for all the names (and one for the names and short texts) makes a word
    one index condition on each, where a condition a field meant several dozen for a
    search: the planner weighed each (milliseconds a query), and each candidate row a
    trigram index finds was checked against every one of them. A column a generated
    column reads cannot change type: drop the column first (the reverse of this
    operation), alter, and make it again."""
    statements = []
    for column, joined in ((NAMES_COLUMN, names), (TEXT_COLUMN, (*names, *texts) if texts else ())):
        if not joined:
            continue
        index = f"{INDEX_PREFIX}{table}_{column}"[:63]
        statements += [
            (
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" text '
                f"GENERATED ALWAYS AS ({_joined(joined)}) STORED",
                f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{column}"',
            ),
            (
                f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" '
                f'USING gin ("{column}" gin_trgm_ops)',
                f'DROP INDEX IF EXISTS "{index}"',
            ),
        ]
    return statements


class SearchColumns(SearchIndexes):
    """A migration operation: the joined search columns of one table on PostgreSQL
    (see ``column_statements``), replacing the trigram indexes of the single columns
    ``replaces`` (which an earlier ``SearchIndexes`` made: dropped forwards, made again
    backwards); nothing on other databases, nothing in the models' state."""

    def __init__(self, table, names, texts=(), replaces=()):
        self.table = table
        self.names = list(names)
        self.texts = list(texts)
        self.replaces = list(replaces)

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.table, self.names, self.texts, self.replaces],
            {},
        )

    def _statements(self):
        dropped = [(undo, do) for do, undo in index_statements(self.table, self.replaces)]
        return [*dropped, *column_statements(self.table, self.names, self.texts)]

    def describe(self):
        return f"Joined search columns on {self.table} (PostgreSQL only)"
