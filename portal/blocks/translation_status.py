"""Which language a translated field's text is actually in.

modeltranslation falls back to the other language when a field is empty in the
current one. The text is marked with its own ``lang`` (so screen readers pronounce it
right) and the page says once, near its top, that some of it is in the other language.

How the page knows: the base template renders its content inside ``fallback_notes()``
before it writes the notice (``{% translation_notice %}``); every text shown through
``displayed()`` while it is open notes its language. The notice is decided while the
page is made, so a cached page keeps the notice it was made with.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

# The languages fallback texts on the page being rendered are in (None: nobody asks).
_fallback_languages: ContextVar[set | None] = ContextVar("fallback_languages", default=None)


@dataclass(frozen=True)
class LocalizedText:
    text: str
    lang: str
    is_fallback: bool

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def localized(obj, field):
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [current] + [code for code, _name in settings.LANGUAGES if code != current]
    for lang in order:
        value = getattr(obj, build_localized_fieldname(field, lang), "") or ""
        if str(value).strip():
            return LocalizedText(str(value), lang, lang != current)
    return LocalizedText("", current, False)


def displayed(obj, field):
    """``localized()`` for text a visitor reads on the page: a fallback is noted for
    the page's one notice. (Alt texts, feeds and structured data use ``localized()``.)"""
    value = localized(obj, field)
    if value.is_fallback:
        languages = _fallback_languages.get()
        if languages is not None:
            languages.add(value.lang)
    return value


@contextmanager
def fallback_notes():
    """Collect the languages of the fallback texts displayed inside the block."""
    languages = set()
    token = _fallback_languages.set(languages)
    try:
        yield languages
    finally:
        _fallback_languages.reset(token)
