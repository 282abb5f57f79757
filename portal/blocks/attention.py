"""The checks behind the admin's "needs attention" filter and the dashboard's counts:
records missing a translation (Korean or English) or an image description, and records that were
deleted and not restored. One query condition each, so that a count on the dashboard
and the list it links to are the same query."""

from django.db.models import Exists, OuterRef, Q
from modeltranslation.translator import NotRegistered, translator

# The query-string parameter of the admin's "needs attention" list filter.
ATTENTION = "attention"
MISSING_ENGLISH = "missing_en"
MISSING_KOREAN = "missing_ko"
MISSING_ALT = "missing_alt"


def title_field(model):
    names = {f.name for f in model._meta.get_fields()}
    return "title" if "title" in names else "name"


def _empty(name):
    return Q(**{f"{name}__isnull": True}) | Q(**{name: ""})


def translated_fields(model):
    """``{field: {language: localized field name}}`` of a model registered with
    modeltranslation; ``{}`` for one that is not."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {
        name: {field.language: field.name for field in translation_fields}
        for name, translation_fields in options.all_fields.items()
    }


def missing_translation(model, lang):
    """Records with a translated field written in another language but empty in
    ``lang``; ``None`` for a model with no translated field."""
    condition = None
    for by_language in translated_fields(model).values():
        if lang not in by_language:
            continue
        # A field empty in every language (an optional description) lacks nothing.
        written = Q()
        for other, name in by_language.items():
            if other != lang:
                written |= Q(**{f"{name}__gt": ""})
        missing = _empty(by_language[lang]) & written
        condition = missing if condition is None else condition | missing
    return condition


def missing_english(model):
    return missing_translation(model, "en")


def missing_korean(model):
    return missing_translation(model, "ko")


def missing_alt_text(model):
    """Records with an image but no description of it in one of the languages."""
    names = {f.name for f in model._meta.get_fields()}
    if not {"image", "image_alt_ko", "image_alt_en"} <= names:
        return None
    return ~Q(image="") & (_empty("image_alt_ko") | _empty("image_alt_en"))


NEEDS_ATTENTION = {
    MISSING_ENGLISH: missing_english,
    MISSING_KOREAN: missing_korean,
    MISSING_ALT: missing_alt_text,
}


def deleted_records(model):
    """The deletion records of ``model``'s records that are still deleted: the latest
    version of each is its deletion, and nothing has the primary key now."""
    history = model.history.model
    later = history.objects.filter(id=OuterRef("id"), history_date__gt=OuterRef("history_date"))
    return (
        history.objects.filter(history_type="-")
        .exclude(Exists(later))
        .exclude(id__in=model._default_manager.values("pk"))
    )
