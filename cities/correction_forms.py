"""The partner city's form: its profile's fields in Korean and English, a new image
(checked as staff uploads are), new exchange records, and a confirmation."""

import datetime
import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.corrections import EXCHANGE_KINDS, LANGUAGES, PROPOSABLE, TRANSLATED, field_label
from cities.models import City
from portal.blocks.images import SafeImageFormField

# How many exchange records one form takes.
EXCHANGE_ROWS = 2


def _language_label(lang):
    return _("Korean") if lang == "ko" else _("English")


class DescribedErrors:
    def describe_errors(self):
        """Point each box with an error at its message (and its help), for screen readers."""
        for name in self.errors:
            if name in self.fields:
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


class ProfileCorrectionForm(DescribedErrors, forms.Form):
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)
    image = SafeImageFormField(
        label=_("New image"),
        required=False,
        help_text=_(
            "Only if the image should change: a JPEG, PNG or WebP photo of the city, up to "
            "10 MB, that the site may publish. Describe it below."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    confirmed = forms.BooleanField(
        label=_("The profile is right as shown (with the corrections above, if any)."),
        required=False,
    )
    message = forms.CharField(
        label=_("A note to the office (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        for column in PROPOSABLE:
            model_field = City._meta.get_field(column)
            base, _sep, lang = column.rpartition("_")
            translated = base in TRANSLATED and lang in LANGUAGES
            if column == "website":
                field = forms.URLField(assume_scheme="https", max_length=model_field.max_length)
            elif column == "contact_email":
                field = forms.EmailField(max_length=model_field.max_length)
            elif base == "description":
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
            else:
                field = forms.CharField(max_length=model_field.max_length)
            field.required = False
            field.label = _language_label(lang) if translated else model_field.verbose_name
            field.initial = getattr(city, column) or ""
            if translated:
                field.widget.attrs["lang"] = lang
            # The error summary's name for it (its label alone says only the language).
            field.summary_label = field_label(column)
            self.fields[column] = field
        self.fields["website"].help_text = _("The city's own site, starting with https://.")
        self.fields["contact_email"].help_text = _(
            "An office address that may be published, never a private one."
        )

    def groups(self):
        """The fields as the page shows them: each translated field as one group of its
        Korean and English boxes."""
        seen = []
        for column in PROPOSABLE:
            base, _sep, lang = column.rpartition("_")
            if column == "image_alt_ko":
                yield {"legend": None, "name": "image", "fields": [self["image"]], "image": True}
            if base in TRANSLATED and lang in LANGUAGES:
                if base in seen:
                    continue
                seen.append(base)
                yield {
                    "legend": City._meta.get_field(base).verbose_name,
                    "name": base,
                    "fields": [self[f"{base}_{each}"] for each in LANGUAGES],
                    "help": City._meta.get_field(base).help_text,
                }
            else:
                yield {"legend": None, "name": column, "fields": [self[column]]}

    def changes(self):
        """The fields whose value differs from the profile's, as sent."""
        found = {}
        for column in PROPOSABLE:
            value = (self.cleaned_data.get(column) or "").strip()
            if value != (getattr(self.city, column) or "").strip():
                found[column] = value
        return found

    def clean(self):
        data = super().clean()
        image = data.get("image")
        if image and not self.errors.get("image"):
            described = any((data.get(f"image_alt_{lang}") or "").strip() for lang in LANGUAGES)
            if not described:
                self.add_error(
                    "image_alt_ko",
                    _("Describe the new image for people who cannot see it (in either language)."),
                )
        return data


class ExchangeForm(DescribedErrors, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", "—"), *((kind.value, kind.label) for kind in EXCHANGE_KINDS)],
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of the visit, or when the agreement was signed."),
    )
    title_ko = forms.CharField(label=_("Title in Korean"), required=False, max_length=200)
    title_en = forms.CharField(label=_("Title in English"), required=False, max_length=200)
    link = forms.URLField(
        label=_("Link (optional)"), required=False, assume_scheme="https", max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_ko"].widget.attrs["lang"] = "ko"
        self.fields["title_en"].widget.attrs["lang"] = "en"

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("kind", "date", "title_ko", "title_en", "link")):
            return data
        if not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", _("Choose what kind of exchange it was."))
        if not data.get("date") and "date" not in self.errors:
            self.add_error("date", _("Give the date."))
        latest = timezone.localdate() + datetime.timedelta(days=3 * 365)
        if data.get("date") and not (datetime.date(1950, 1, 1) <= data["date"] <= latest):
            self.add_error("date", _("Give a date between 1950 and three years from now."))
        if not (data.get("title_ko") or data.get("title_en")):
            self.add_error("title_ko", _("Give a title in Korean or English."))
        return data

    def exchange(self):
        """The record as the proposal keeps it, or None for an empty row."""
        data = self.cleaned_data
        if not data or not data.get("kind"):
            return None
        return {
            "kind": data["kind"],
            "date": data["date"].isoformat(),
            "title_ko": data.get("title_ko", "").strip(),
            "title_en": data.get("title_en", "").strip(),
            "link": data.get("link", ""),
        }


ExchangeFormSet = forms.formset_factory(
    ExchangeForm,
    extra=EXCHANGE_ROWS,
    max_num=EXCHANGE_ROWS,
    absolute_max=EXCHANGE_ROWS,
    validate_max=True,
)


def new_submission_key():
    return secrets.token_urlsafe(24)
