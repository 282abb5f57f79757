"""Shared pieces of the spreadsheet imports (django-import-export) of every app."""

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets


def normal_text(value):
    return " ".join(str(value).split()).casefold()


class LabelledChoiceWidget(widgets.Widget):
    """A choice written as its key, its English label or its Korean label."""

    def __init__(self, choices, what, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.what = what

    def _lookup(self):
        table = {}
        for key, label in self.choices.choices:
            table[normal_text(key)] = key
            for lang in ("en", "ko"):
                with translation.override(lang):
                    table[normal_text(label)] = key
        # "Crafts and Folk Arts" and "&" for "and" are common in the sources.
        for text, key in list(table.items()):
            table.setdefault(text.replace(" and ", " & "), key)
            table.setdefault(text + "s", key)
        return table

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return ""
        key = self._lookup().get(normal_text(value))
        if key is None:
            with translation.override("en"):
                options = ", ".join(str(label) for _key, label in self.choices.choices)
            raise ValueError(_("“%(value)s” is not a known %(what)s. Use one of: %(options)s.")
                             % {"value": value, "what": self.what, "options": options})
        return key

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        with translation.override("en"):
            return str(self.choices(value).label)
