"""The content registry: the one place a content model is declared, which gives it
Korean and English fields (with when each language's text last changed), an edit
history, staff roles and page-cache invalidation.

Each app's ``translation.py`` (loaded by modeltranslation when the apps are ready) calls
``register_content`` for each model staff edit; ``content_models()`` lists them for the
roles, the dashboard and the tests (one checks that no content model is missing).
"""

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from portal.blocks import caching, translation_age
from portal.blocks.publishing import ContentHistory, Publishable

_registered = []


def register_content(model, fields, *, changes_at=(), changes_on=(), display_only=()):
    """Register ``model`` with its person-facing ``fields`` (translated into Korean and
    English).

    ``changes_at``: the model's datetime fields at which a record's pages change with no
    save (a publishable model's ``publish_at`` is always one); ``changes_on``: its date
    fields, for the same at midnight (an event becomes "now on", then "past").

    ``display_only``: the fields that no list selects, sorts or counts by (a summary, a
    description, an image): a save that changes only these drops the list pages that
    show the record, not every list of the model (``portal.blocks.caching.listing``).
    When a language's text last changed is display-only too.

    The order matters: modeltranslation adds ``<field>_ko``/``<field>_en`` when it
    registers, and simple-history copies the fields it sees when it registers, so the
    history must come second and only once. Every
    many-to-many field of the model is part of its history (``ContentHistory``), so
    that a revert or a restore brings the links back too.
    """
    options = type(
        f"{model.__name__}TranslationOptions", (TranslationOptions,), {"fields": tuple(fields)}
    )
    translator.register(model, options)
    translation_age.add_stamps(model)
    # The "updated" stamp changes on every save and says nothing a version needs. Only
    # a field the model has may be excluded: simple-history reads excluded fields back
    # from the live record when it rebuilds a version (``.instance``), and fails on a
    # missing one (disciplines have no stamps).
    names = {field.name for field in model._meta.fields}
    simple_history.register(
        model,
        records_class=ContentHistory,
        excluded_fields=[name for name in ("updated_at",) if name in names],
        m2m_fields=[field.name for field in model._meta.local_many_to_many],
    )
    times = (*(("publish_at",) if issubclass(model, Publishable) else ()), *changes_at)
    stamps = [translation_age.stamp(lang) for lang in translation_age.languages()]
    caching.watch(model, times=times, display_only=(*display_only, *stamps))
    if times or changes_on:
        caching.follow(model, datetimes=times, dates=changes_on)
    translation_age.track(model)
    _registered.append(model)


def content_models():
    """Every registered content model, in the order of registration."""
    return list(_registered)
