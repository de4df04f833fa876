from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo.accounts import selectors, services
from kyodo.accounts.forms import (
    DivisionForm,
    LoginForm,
    RoleGrantForm,
    SectionForm,
    SignUpForm,
    TokenForm,
)
from kyodo.accounts.models import Division, RoleAssignment, Section, User
from kyodo.core.http import AuthenticatedHttpRequest, acting_user
from kyodo.core.permissions import authorize
from kyodo.japan.text import clean_text


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", code="throttled"):
            response.status_code = 429  # Too Many Requests, with the form and its message
        return response


def _local_next(request: HttpRequest) -> str:
    """A `next` path on this site, or "" (never a URL elsewhere)."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target[:500]
    return ""


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    next_path = _local_next(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_sign_up(
            email=data["email"],
            password=data["password1"],
            full_name=data["full_name"],
            full_name_kana=data["full_name_kana"],
            next_path=next_path,
        )
        # The same answer whether or not the address already had an account (its owner is
        # told by mail), after a redirect so that a reload sends nothing twice.
        request.session["sign_up_email"] = data["email"]
        return redirect("accounts:sign_up_sent")
    return render(request, "accounts/sign_up.html", {"form": form, "next": next_path})


def sign_up_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("sign_up_email", "")
    return render(request, "accounts/sign_up_sent.html", {"email": email})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user, next_path = services.email_token_read_with_next(token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    services.user_verify_email(user=user)
    messages.success(request, _("メールアドレスを確認しました。ログインしてください。"))
    login_url = reverse("accounts:login")
    if next_path.startswith("/") and url_has_allowed_host_and_scheme(
        next_path, allowed_hosts={request.get_host()}
    ):
        # Back to where sign-up began (an invitation, say), after logging in.
        return redirect(f"{login_url}?{urlencode({'next': next_path})}")
    return redirect(login_url)


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:dashboard")


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(reverse("accounts:otp_setup") + f"?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", _("確認コードが正しくないか、有効期限が切れています。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(reverse("accounts:otp_verify") + f"?next={_safe_next(request)}")
    device = services.totp_device_for_setup(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            messages.success(request, _("二段階認証を設定しました。"))
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(
            "token", _("確認コードが正しくありません。認証アプリの表示を確かめてください。")
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": secret,
        "next": _safe_next(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
def my_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "accounts.view_own_account")
    return render(
        request, "accounts/me.html", {"assignments": selectors.roles_of(user=request.user)}
    )


def user_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "accounts.manage_users")
    # A typed query may hold NUL and other control characters, which PostgreSQL refuses.
    query = clean_text(request.GET.get("q", "")).strip()[:200]
    page = Paginator(selectors.user_list(query=query), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "accounts.manage_users")
    person = get_object_or_404(User, pk=pk)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.role_grant(
            actor=acting_user(request),
            user=person,
            role=form.cleaned_data["role"],
            section=form.cleaned_data["section"],
        )
        messages.success(request, _("役割を付与しました。"))
        return redirect("accounts:user_detail", pk=person.pk)
    context = {"person": person, "assignments": selectors.roles_of(user=person), "form": form}
    return render(request, "accounts/user_detail.html", context)


@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "accounts.manage_users")
    assignment = get_object_or_404(RoleAssignment, pk=pk)
    services.role_revoke(actor=acting_user(request), assignment=assignment)
    messages.success(request, _("役割を取り消しました。"))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@require_POST
def totp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "accounts.manage_users")
    person = get_object_or_404(User, pk=pk)
    services.totp_device_reset(actor=acting_user(request), user=person)
    messages.success(request, _("二段階認証をリセットしました。次回ログイン時に再設定されます。"))
    return redirect("accounts:user_detail", pk=person.pk)


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# --- the city's 部 and 課 ------------------------------------------------------------------


def organisation(request: HttpRequest) -> HttpResponse:
    """Every 部 with its 課, retired ones marked; links to add and to edit each."""
    authorize(request.user, "accounts.manage_organisation")
    divisions = Division.objects.prefetch_related("sections").order_by("order", "name")
    return render(request, "accounts/organisation.html", {"divisions": divisions})


def division_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    authorize(request.user, "accounts.manage_organisation")
    division = get_object_or_404(Division, pk=pk) if pk is not None else None
    initial = (
        {"name": division.name, "order": division.order, "retired": division.retired}
        if division
        else {}
    )
    form = DivisionForm(request.POST or None, initial=initial, division=division)
    if request.method == "POST" and form.is_valid():
        services.division_save(
            actor=acting_user(request), division=division, data=form.cleaned_data
        )
        messages.success(request, _("部を保存しました。"))
        return redirect("accounts:organisation")
    return render(request, "accounts/division_form.html", {"form": form, "division": division})


def section_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    authorize(request.user, "accounts.manage_organisation")
    section = get_object_or_404(Section, pk=pk) if pk is not None else None
    initial: dict[str, object] = {}
    if section is not None:
        initial = {name: getattr(section, name) for name in services.SECTION_FIELDS}
    elif request.GET.get("division", "").isdigit():
        initial = {"division": Division.objects.filter(pk=request.GET["division"]).first()}
    form = SectionForm(request.POST or None, initial=initial, section=section)
    if request.method == "POST" and form.is_valid():
        services.section_save(actor=acting_user(request), section=section, data=form.cleaned_data)
        messages.success(request, _("課を保存しました。"))
        return redirect("accounts:organisation")
    return render(request, "accounts/section_form.html", {"form": form, "section": section})
