"""Sign-in (throttled), sign-out, applicant sign-up, and the user's own profile and tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corridor.accounts import selectors, services
from corridor.accounts.forms import SignUpForm, TokenForm
from corridor.core.views import SignedInRequest


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


class ThrottledLoginView(auth_views.LoginView):
    """Django's login view, refusing after too many recent failures for a username or address."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")
        if services.login_locked(username, _client_address(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("Too many failed sign-ins. Try again in 15 minutes."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        services.register_login_failure(
            self.request.POST.get("username", ""), _client_address(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        services.clear_login_failures(form.get_user().username, _client_address(self.request))
        return super().form_valid(form)


def sign_up(request: HttpRequest) -> HttpResponse:
    """Public sign-up for enterprise applicants."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.sign_up_applicant(
            data["username"], data["password"], data["organisation"], data["email"], data["uscc"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your applicant account is ready."))
        return redirect("dashboard:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    """The user's own page: role, API tokens."""
    new_token = request.session.pop("new_token", None)
    context = {
        "tokens": selectors.tokens_of(request.user),
        "form": TokenForm(),
        "new_token": new_token,
        "role": selectors.role_label(request.user),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def create_token(request: SignedInRequest) -> HttpResponse:
    """Issue an API token; its raw value is shown once."""
    form = TokenForm(request.POST)
    if form.is_valid():
        request.session["new_token"] = services.issue_token(request.user, form.cleaned_data["name"])
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token(request: SignedInRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    services.revoke_token(request.user, token_id)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")
