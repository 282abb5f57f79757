"""Form widgets for the public filters."""

from django import forms
from django.forms.utils import flatatt
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
