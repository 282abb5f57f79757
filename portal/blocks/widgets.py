"""Form widgets for the public filters."""

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")  # noqa: S308 - a constant


class QuickSelect(forms.Select):
    """A select whose options are written in Python. Django renders each option through
    a template of its own, which cost more than the rest of a list page's filter form (a
    country select has dozens of options)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], SELECTED if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options
        )


class SuggestedText(forms.TextInput):
    """A text field whose suggestions (``<datalist>``) are read from ``url`` (a URL
    name, reversed in the page's language) when the field is first used, by
    static/js/suggestions.js (portal.blocks.suggestions)."""

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    @staticmethod
    def list_id(name, attrs):
        return f"{attrs.get('id') or name}-suggestions"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "list": self.list_id(name, context["widget"]["attrs"]),
                "autocomplete": "off",
                "data-suggestions": reverse(self.url),
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        list_id = self.list_id(name, self.build_attrs(self.attrs, attrs))
        return format_html('{}<datalist id="{}"></datalist>', field, list_id)
