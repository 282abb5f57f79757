"""Which language a translated field's text is actually in.

modeltranslation falls back to the other language when a field is empty in the
current one. The page must say so (and mark the text with its own ``lang`` so screen
readers pronounce it right).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname


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
