"""Sign-in (throttled), sign-out, applicant sign-up, and the user's own profile and tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.accounts import selectors, services
from corridor.accounts.auth import client_address
from corridor.accounts.forms import SignUpForm, ThrottledAuthenticationForm, TokenForm
from corridor.core.views import SignedInRequest
from corridor.registry import selectors as registry_selectors


class ThrottledLoginView(auth_views.LoginView):
    """Django's login view; the backend counts attempts (accounts.auth.ThrottledModelBackend) and
    a locked-out attempt is answered 429 with the reason."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_invalid(form)
        if getattr(self.request, "login_locked", False):
            response.status_code = 429
        return response


def sign_up(request: HttpRequest) -> HttpResponse:
    """Public sign-up for enterprise applicants."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.reserve_sign_up(client_address(request)):
            form.add_error(None, _("Too many sign-ups from this address. Try again later."))
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        data = form.cleaned_data
        user = services.sign_up_applicant(
            data["username"], data["password"], data["organisation"], data["email"], data["uscc"]
        )
        login(request, user, backend="corridor.accounts.auth.ThrottledModelBackend")
        messages.success(request, _("Welcome. Your applicant account is ready."))
        return redirect("dashboard:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    """The user's own page: role, API tokens."""
    new_token = request.session.pop("new_token", None)
    claim = selectors.claim_of(request.user)
    # What the claim names is shown only once staff have confirmed it.
    claimed = (
        registry_selectors.enterprise_with_uscc(claim.uscc)
        if claim is not None and claim.confirmed_at is not None and claim.uscc
        else None
    )
    context = {
        "tokens": selectors.tokens_of(request.user),
        "form": TokenForm(),
        "new_token": new_token,
        "role": selectors.role_label(request.user),
        "now": timezone.now(),
        "claim": claim,
        "claimed_enterprise": claimed,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def create_token(request: SignedInRequest) -> HttpResponse:
    """Issue an API token; its raw value is shown once."""
    form = TokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        request.session["new_token"] = services.issue_token(
            request.user, data["name"], data["days"], data["read_only"]
        )
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token(request: SignedInRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    services.revoke_token(request.user, token_id)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
