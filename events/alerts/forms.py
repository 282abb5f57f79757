from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from cities.models import City
from events.models import EventKind, EventSeries

# How many cities one address may name (each is named by a link from its page).
MAX_NAMED_CITIES = 20


class TopicsForm(forms.Form):
    """What to hear about: event kinds, series, cities. Within one of them any choice
    matches; across them all must (workshops in Icheon); none chosen means every new
    event.

    Cities are not a list of every city in the network (hundreds): the home city is
    offered, and a city's events page links here with that city chosen (``?city=``)."""

    kinds = forms.MultipleChoiceField(
        label=_("Kinds of event"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    series = forms.ModelMultipleChoiceField(
        label=_("Event series"),
        queryset=EventSeries.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is no event series with this name.")},
    )
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities"),
        queryset=City.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("This city is not in the network directory (any more)."),
        },
    )

    def __init__(self, *args, named_cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = EventSeries.objects.published().only(
            "pk", "slug", "name", "name_ko", "name_en"
        )
        named = set(named_cities)
        if self.is_bound:
            named.update(self.data.getlist("cities") if hasattr(self.data, "getlist") else ())
        named = sorted(value for value in named if isinstance(value, str))[:MAX_NAMED_CITIES]
        self.fields["cities"].queryset = (
            City.objects.published()
            .filter(Q(is_home=True) | Q(slug__in=named))
            .only("pk", "slug", "name", "name_ko", "name_en", "is_home")
            .order_by("-is_home", "slug")
        )

    def full_clean(self):
        super().full_clean()
        # Tie each error to its input, so that a screen reader reads them together.
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                described = [f"id_{name}_error"] + (
                    [f"id_{name}_helptext"] if field.help_text else []
                )
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def clean_cities(self):
        cities = self.cleaned_data["cities"]
        if len(cities) > MAX_NAMED_CITIES:
            raise forms.ValidationError(
                _("Choose at most %(count)d cities.") % {"count": MAX_NAMED_CITIES}
            )
        return cities


class SubscribeForm(TopicsForm):
    field_order = ["email", "kinds", "series", "cities"]

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Used for these alerts only, and deleted when you unsubscribe."),
    )


class PreferencesForm(TopicsForm):
    field_order = ["language", "kinds", "series", "cities"]

    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        # Each language in its own name, as the language switcher writes it.
        choices=[
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ],
        widget=forms.RadioSelect,
    )
