from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.two_factor.devices import check_code, check_enrolment_code


def code_input(**attrs):
    return forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "autofocus": True,
            "class": "two-factor-code",
            **attrs,
        }
    )


def refusal(check):
    if check.wait_seconds:
        return ngettext(
            "Too many wrong codes. Try again in %(seconds)d second.",
            "Too many wrong codes. Try again in %(seconds)d seconds.",
            check.wait_seconds,
        ) % {"seconds": check.wait_seconds}
    return _("That code is not right. Codes change every 30 seconds: try the one shown now.")


class VerifyForm(forms.Form):
    """The second step of signing in; ``device`` is the one that took the code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code your authenticator app shows, or a recovery code."),
        widget=code_input(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        check = check_code(self.user, self.cleaned_data["code"])
        if not check.passed:
            raise forms.ValidationError(refusal(check), code="wrong")
        self.device = check.device
        return self.cleaned_data["code"]


class EnrolForm(forms.Form):
    """The first code from the app being set up, which proves it holds the key."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The 6 digits the app shows for this account."),
        widget=code_input(inputmode="numeric"),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        check = check_enrolment_code(self.device, self.cleaned_data["code"])
        if not check.passed:
            raise forms.ValidationError(refusal(check), code="wrong")
        return self.cleaned_data["code"]
