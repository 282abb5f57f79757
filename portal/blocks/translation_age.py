"""When each language's text of a record last changed, to find translations that are
older than the text they translate.

``register_content`` gives every content model one stamp per language
(``text_changed_ko``, ``text_changed_en``) and keeps them on every save by comparing the
record's translated fields with its stored row. A language's translation is out of date
when the other language's text changed after it.

What a stamp holds: the time the language's text last changed as the source, that is,
while it was not behind the other. A change to a language that was behind (a translator
catching up, or writing the translation for the first time) brings it level with the
text it translates: it takes the other's stamp, so catching up clears the flag instead
of flagging the other language in turn. A save that changes both languages puts both
at the same time.

Not seen: ``QuerySet.update()``, ``bulk_create`` and raw loads (a restore) change no
stamp. A record whose stamps were never set (made before the stamps existed) is flagged
once one language changes and the other has text.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.blocks.attention import missing_translation, translated_fields

VERBOSE = {"ko": _("Korean text last changed"), "en": _("English text last changed")}


def languages():
    return [code for code, _name in settings.LANGUAGES]


def stamp(lang):
    return f"text_changed_{lang}"


def add_stamps(model):
    """The stamp fields, added before the edit history copies the model's fields."""
    for lang in languages():
        model.add_to_class(
            stamp(lang),
            models.DateTimeField(
                VERBOSE.get(lang, stamp(lang)), null=True, blank=True, editable=False
            ),
        )


def _texts(values, by_field, lang):
    return [values.get(names[lang]) or "" for names in by_field.values() if lang in names]


def track(model):
    """Keep ``model``'s stamps on every save (signals, so the admin, imports that save,
    the shell and reverts are alike)."""
    by_field = translated_fields(model)
    names = [name for names in by_field.values() for name in names.values()]

    def before_save(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw:
            return
        deferred = instance.get_deferred_fields()
        loaded = [name for name in names if name not in deferred]
        if update_fields is not None:
            loaded = [name for name in loaded if name in update_fields]
        if not loaded:
            return
        now = timezone.now()
        current = {name: getattr(instance, name) for name in loaded}
        if instance._state.adding or instance.pk is None:
            stored = {}
        else:
            stored = (
                model._base_manager.filter(pk=instance.pk)
                .values(*loaded, *(stamp(lang) for lang in languages()))
                .first()
            ) or {}
        before = {lang: stored.get(stamp(lang)) for lang in languages()}
        text = {lang: _texts(current, by_field, lang) for lang in languages()}
        was = {lang: _texts(stored, by_field, lang) for lang in languages()}
        # A language emptied is missing, not a change for the others to follow.
        changed = [lang for lang in languages() if text[lang] != was[lang] and any(text[lang])]
        stamps = dict(before)
        for lang in changed:
            others = [other for other in languages() if other != lang]
            known = [before[other] for other in others if before[other] is not None]
            if len(changed) == len(languages()):
                stamps[lang] = now
            elif not any(was[lang]) and any(any(was[other]) for other in others):
                # Written for the first time: a translation of the others as they are.
                stamps[lang] = max(known, default=now)
                for other in others:
                    stamps[other] = stamps[other] or stamps[lang]
            elif known and (before[lang] is None or before[lang] < max(known)):
                # Catching up with a newer text: level with it.
                stamps[lang] = max(known)
            else:
                stamps[lang] = now
        # Every stamp from the stored row, not from the instance: a version brought back
        # from the history carries the stamps of its day.
        for lang, when in stamps.items():
            setattr(instance, stamp(lang), when)
        updates = {stamp(lang): when for lang, when in stamps.items() if when != before[lang]}
        if update_fields is not None and updates:
            # Not among the fields this save writes: written after it.
            instance.__dict__["_stamps_after_save"] = updates

    def after_save(sender, instance, raw=False, **kwargs):
        updates = instance.__dict__.pop("_stamps_after_save", None)
        if updates and not raw:
            # Stamps are not shown on any page, so no cached page depends on them.
            model._base_manager.filter(pk=instance.pk).update(**updates)

    uid = f"translation_age:{model._meta.label_lower}"
    pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(after_save, sender=model, weak=False, dispatch_uid=uid)


def stale_translation(model, lang):
    """Records whose ``lang`` text is older than the text in another language (and not
    missing: that is ``missing_translation``); ``None`` for a model without stamps."""
    if not translated_fields(model) or stamp(lang) not in {f.name for f in model._meta.fields}:
        return None
    condition = Q()
    for other in languages():
        if other == lang:
            continue
        newer = Q(**{f"{stamp(other)}__gt": F(stamp(lang))})
        never_stamped = Q(**{f"{stamp(lang)}__isnull": True, f"{stamp(other)}__isnull": False})
        condition |= newer | never_stamped
    missing = missing_translation(model, lang)
    has_text = Q()
    for names in translated_fields(model).values():
        if lang in names:
            has_text |= Q(**{f"{names[lang]}__gt": ""})
    condition &= has_text
    return condition if missing is None else condition & ~missing


def out_of_date_languages(obj):
    """The languages of ``obj`` whose text is older than another language's (for a
    record already found by ``stale_translation``)."""
    stamps = {lang: getattr(obj, stamp(lang)) for lang in languages()}
    latest = max((when for when in stamps.values() if when), default=None)
    return [lang for lang, when in stamps.items() if latest and (when is None or when < latest)]
