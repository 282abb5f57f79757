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

- PostgreSQL: names, short texts and related names by substring (``icontains``, which
  Django writes ``UPPER(col::text) LIKE UPPER(…)``), served by trigram GIN indexes on
  that same expression (``pg_trgm``; PostgreSQL's word parser takes a run of Hangul as
  one word, so "도자" inside "한국도자재단" needs substrings); long texts by full-text
  search of the words' beginnings (a stored ``tsvector`` column, ``WORDS_COLUMN``,
  ``@@ 'word':*``, GIN-indexed), which finds Korean words with their endings
  (도자 → 도자기를); typos by trigram word similarity with the names (``%>``, the
  names' trigram indexes).
- SQLite: substrings everywhere (long texts too); typos by the name containing the
  word's beginning (all but its last two letters, at least three): cheap, bounded, and
  it finds a misspelt ending ("Limogse" → "Limo…").

``SearchIndexes`` makes the PostgreSQL indexes in a migration and does nothing on
other databases. The site search bounds its work (``ranked``, ``count``, ``bounded``):
a common word matches tens of thousands of records.
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

# PostgreSQL: a search statement running longer than this is cancelled (``bounded``).
STATEMENT_TIMEOUT_MS = 2000

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
    ``fields``; publishable ones count only while published."""

    relation: str
    fields: tuple


@dataclass(frozen=True)
class SearchFields:
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


def _in_keys(name, keys, postgres):
    """``name`` is one of the keys ``keys`` (a queryset of one column) finds. On
    PostgreSQL as ``= ANY(ARRAY(…))``: the array is worked out once, first, and the
    condition can then be looked up in the column's B-tree index like a list of values,
    so it joins the record's other conditions in one combination of index scans (as
    ``IN (…)`` inside an ``OR`` it would be checked row by row after reading the whole
    table)."""
    if postgres:
        return Q(_InKeys(F(name), keys))
    return Q(**{f"{name}__in": keys})


def _related_matching(queryset, related, word, contains, postgres):
    """``related``'s records (published ones, where that applies) whose fields contain
    ``word``, as a condition on ``queryset``'s records: a foreign key among their keys,
    a many-to-many through the link table's keys."""
    field = queryset.model._meta.get_field(related.relation)
    target = field.related_model._default_manager.all()
    if hasattr(target, "published"):
        target = target.published()
    target = target.filter(contains(related.fields, word)).order_by().values("pk")
    if field.many_to_many:
        through = field.remote_field.through
        links = (
            through._default_manager.order_by()
            .filter(_in_keys(field.m2m_reverse_field_name(), target, postgres))
            .values(field.m2m_field_name())
        )
        return _in_keys("pk", links, postgres)
    return _in_keys(related.relation, target, postgres)


def _any_contains(fields, word):
    return reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields))


class _WordSimilar(Lookup):
    """PostgreSQL: the word is close to a word of the field (pg_trgm's ``%>``), on the
    expression the trigram index holds (``UPPER(col::text)``)."""

    lookup_name = "search_word_similar"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"UPPER({lhs}::text) %%> UPPER({rhs})", [*lhs_params, *rhs_params]


class _HasWordsBeginning(Lookup):
    """PostgreSQL: the record's long texts have words beginning with the word, read from
    its stored vector of their words (``WORDS_COLUMN``, see ``index_statements``) with
    its GIN index. The left-hand side is one of the long texts, only to name the table.
    """

    lookup_name = "search_has_words_beginning"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        table = lhs.rsplit(".", 1)[0]
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"{table}.\"{WORDS_COLUMN}\" @@ to_tsquery('simple'::regconfig, {rhs})",
            [*lhs_params, *rhs_params],
        )


class _InKeys(Lookup):
    """PostgreSQL: the key is one of the keys the subquery finds (``= ANY(ARRAY(…))``,
    see ``_in_keys``)."""

    lookup_name = "search_in_keys"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


def _prefix_query(word):
    """``word`` as a tsquery of its words' beginnings: letters and digits only, so
    nothing a visitor types is read as tsquery syntax."""
    parts = re.findall(r"\w+", word)
    return " & ".join(f"{part}:*" for part in parts)


def _word_start(fields, word):
    """A word of the field begins with ``word``: PostgreSQL's trigram indexes serve this
    for a word of one or two letters (a word's first trigrams are padded with blanks),
    where a substring that short has no trigram at all."""
    return reduce(
        or_,
        (
            Q(**{f"{name}__istartswith": word}) | Q(**{f"{name}__icontains": f" {word}"})
            for name in fields
        ),
    )


class _Match:
    """The conditions one word meets on one model, per tier."""

    def __init__(self, queryset, spec, word):
        postgres = vendor(queryset) == "postgresql"
        contains = _word_start if len(word) < SUBSTRING_FROM else _any_contains
        self.name = contains(spec.names, word)
        self.text = Q()  # short texts, related names, choice labels
        self.long = Q()
        self.typo = Q()
        if len(word) < NAME_ONLY_BELOW:
            return
        self.text = reduce(or_, (contains((name,), word) for name in spec.texts), Q())
        for related in spec.related:
            self.text |= _related_matching(queryset, related, word, contains, postgres)
        for name, choices in spec.choices:
            values = _choices_matching(word, choices)
            if values:
                self.text |= Q(**{f"{name}__in": sorted(values)})
        if postgres:
            tsquery = _prefix_query(word)
            if tsquery and spec.long:
                self.long = Q(_HasWordsBeginning(F(spec.long[0]), tsquery))
        elif spec.long:
            self.long = contains(spec.long, word)
        if len(word) >= TYPO_FROM:
            if postgres:
                self.typo = reduce(or_, (Q(_WordSimilar(F(name), word)) for name in spec.names))
            else:
                self.typo = _any_contains(spec.names, word[: max(3, len(word) - 2)])

    def condition(self, tier=Tier.LONG):
        """The word matches in ``tier`` or a better one. Every alternative is a column
        of the record's own table (related records through ``_in_keys``), each served
        by an index on PostgreSQL, which then combines the indexes (a BitmapOr per
        word, a BitmapAnd of the words) and reads only the rows that match."""
        found = [self.name, self.text, self.typo, self.long][: tier + 1]
        return reduce(or_, (q for q in found if q))

    def tier(self):
        """The tier of a record that matched this word. Long texts are what is left
        (their full-text vectors are not worked out again for each record)."""
        whens = [When(self.name, then=Value(Tier.NAME))]
        if self.text:
            whens.append(When(self.text, then=Value(Tier.TEXT)))
        if self.typo:
            whens.append(When(self.typo, then=Value(Tier.TYPO)))
        return Case(*whens, default=Value(Tier.LONG), output_field=IntegerField())


def _all(matches, tier=Tier.LONG):
    return reduce(and_, (match.condition(tier) for match in matches))


def matching(queryset, text, spec):
    """``queryset`` narrowed to the records every word of ``text`` matches. Nothing
    searchable in ``text``: no record."""
    found = words(text)
    if not found:
        return queryset.none()
    return queryset.filter(_all([_Match(queryset, spec, word) for word in found]))


def count(queryset, text, spec):
    """How many records ``matching`` finds, counted up to ``COUNT_CAP + 1``."""
    return matching(queryset, text, spec).order_by().values("pk")[: COUNT_CAP + 1].count()


class _CappedCount(Subquery):
    """How many rows a query finds, counting no further than its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) search_capped)"
    output_field = IntegerField()


def ranked(queryset, text, spec, best=RANKED):
    """The records every word of ``text`` matches, ranked, at most ``best`` of them:
    each annotated with its ``search_tier`` (the worst tier of its words, ``Tier``)
    and ``search_total`` (how many match, counted up to ``COUNT_CAP + 1``), ordered
    best first: by tier, then names that start with the first word, then shorter names,
    then the key.

    A common word matches tens of thousands of records, and ranking them all means
    reading them all. So on PostgreSQL only ``best`` records of each tier or better are
    ranked (names; anything but long texts; everything),
    each found from the indexes and read no further than that: the first ``best``
    positions have the right tiers, and within a tier bigger than ``best`` the order is
    that of ``best`` of its records. SQLite (development and tests) ranks every match.
    """
    found = words(text)
    if not found:
        return queryset.none()
    matches = [_Match(queryset, spec, word) for word in found]
    matched = queryset.filter(_all(matches)).order_by()
    if vendor(queryset) == "postgresql":
        keys = reduce(
            lambda union, tier: union.union(
                queryset.filter(_all(matches, tier)).order_by().values("pk")[:best]
            ),
            (Tier.TYPO, Tier.LONG),
            queryset.filter(_all(matches, Tier.NAME)).order_by().values("pk")[:best],
        )
        candidates = queryset.filter(pk__in=keys)
    else:
        candidates = matched
    # A record's tier is the worst of its words' tiers (never NULL, so Greatest means
    # the same on both databases).
    tiers = [match.tier() for match in matches]
    starts = reduce(or_, (Q(**{f"{name}__istartswith": found[0]}) for name in spec.names))
    # The shortest of its names: "Limoges" before "Limoges Porcelain Museum".
    lengths = [Length(NullIf(name, Value(""))) for name in spec.names]
    return candidates.annotate(
        search_tier=tiers[0] if len(tiers) == 1 else Greatest(*tiers),
        search_starts=Case(When(starts, then=Value(0)), default=Value(1)),
        search_length=Coalesce(*lengths, Value(999)) if len(lengths) > 1 else lengths[0],
        search_total=_CappedCount(matched.values("pk")[: COUNT_CAP + 1]),
    ).order_by("search_tier", "search_starts", "search_length", "pk")


class TooSlow(Exception):
    """A search ran out of time (``bounded``)."""


@contextmanager
def bounded(using="default", timeout_ms=STATEMENT_TIMEOUT_MS):
    """Searches run inside: on PostgreSQL, in a transaction where each statement may
    take ``timeout_ms`` at most (past that, ``TooSlow``), and where the planner uses
    bitmap scans of the search indexes rather than read a table in some order and test
    each row: with a LIMIT it expects to stop early, which for a rare word means
    reading every row (and with more than one word its estimates are poor). Nothing
    on other databases."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true),"
                    " set_config('enable_seqscan', 'off', true),"
                    " set_config('enable_indexscan', 'off', true)",
                    [str(timeout_ms)],
                )
            yield
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

    def _run(self, schema_editor, which):
        if schema_editor.connection.vendor != "postgresql":
            return
        statements = index_statements(
            self.table, self.substring_columns, self.word_columns, self.key_columns
        )
        for statement in statements if which == 0 else reversed(statements):
            schema_editor.execute(statement[which])

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, 0)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, 1)

    def describe(self):
        return f"Search indexes on {self.table} (PostgreSQL only)"
