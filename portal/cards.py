"""List cards rendered once per content generation and taken by key.

A card (an institution, an event, a city in a list) looks the same to every visitor
until content changes, and the same card appears on many pages: the list, its filtered
views, the home page. Each is kept under its key, template, options and language for
the content generation (``portal.cache.remember_each``), and a list takes its cards in
one cache round trip. Only the cards not yet kept are rendered, from rows read for
them alone: on a ``PageRows`` (a list page whose keys are remembered) a warm page reads
no row at all.
"""

from django.template.loader import get_template
from django.utils.html import format_html_join

from portal.cache import remember_each
from portal.pagination import PageRows


def render_cards(context, rows, template_name, **options):
    """The cards of ``rows`` (a ``PageRows``, or any iterable of model instances) in
    order, each rendered by ``template_name`` with the row as its model name
    (``institution``, ``event``, ``city``) and ``options`` in its context."""
    if isinstance(rows, PageRows):
        keys, read = rows.keys, rows.rows_for
    else:
        loaded = {row.pk: row for row in rows}
        keys, read = list(loaded), lambda wanted: {key: loaded[key] for key in wanted}
    if not keys:
        return ""
    variant = "&".join(f"{name}={value}" for name, value in sorted(options.items()))
    names = {key: f"card:{template_name}?{variant}#{key}" for key in keys}
    template = get_template(template_name)

    def build(missing):
        by_name = {name: key for key, name in names.items()}
        found = read([by_name[name] for name in missing])
        built = {}
        for name in missing:
            row = found.get(by_name[name])
            if row is None:  # gone since the keys were read: shown as nothing
                built[name] = ""
                continue
            with context.push(**options, **{row._meta.model_name: row}):
                built[name] = template.template.render(context)
        return built

    cards = remember_each(list(names.values()), build)
    # Each card is the template's own (safe) output; anything else would be escaped.
    return format_html_join("", "{}", ((cards[names[key]],) for key in keys))
