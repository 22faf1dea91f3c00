"""Forms for sign-in, applicant sign-up and tokens."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from corridor.accounts.services import normalised_username
from corridor.core.issue_text import uscc_text
from corridor.engine.uscc import check_uscc


class _SaysWhenLocked:
    """Login forms: when the backend refused because of too many attempts, say so."""

    request: HttpRequest | None

    def get_invalid_login_error(self) -> forms.ValidationError:
        if getattr(self.request, "login_locked", False):
            return forms.ValidationError(
                _("Too many failed sign-ins. Try again in 15 minutes."), code="locked"
            )
        return super().get_invalid_login_error()  # type: ignore[misc]


class ThrottledAuthenticationForm(_SaysWhenLocked, AuthenticationForm):
    """Our sign-in page's form."""


class ThrottledAdminAuthenticationForm(_SaysWhenLocked, AdminAuthenticationForm):
    """The admin site's sign-in form."""


class SignUpForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    uscc = forms.CharField(
        label=_("Unified social credit code (optional)"), max_length=18, required=False
    )
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_username(self) -> str:
        username = unicodedata.normalize("NFKC", self.cleaned_data["username"]).strip()
        identity = normalised_username(username)
        if any(
            normalised_username(u) == identity
            for u in User.objects.filter(username__iexact=identity).values_list(
                "username", flat=True
            )
        ):
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_uscc(self) -> str:
        value = self.cleaned_data["uscc"].strip().upper()
        if value:
            result = check_uscc(value)
            if result.error:
                raise forms.ValidationError(uscc_text(result))
        return value

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)
    read_only = forms.BooleanField(label=_("Read-only"), required=False)
