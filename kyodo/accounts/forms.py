from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kyodo.accounts import throttle
from kyodo.accounts.models import Division, Role, Section, User
from kyodo.japan.forms import CleanCharField, KanaReadingField, LooseIntegerField


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("メールアドレス"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("メールアドレスまたはパスワードが正しくありません。"),
        "inactive": _("このアカウントは利用できません。"),
        "throttled": _(
            "このネットワークからのログインの失敗が続いているため、しばらく受け付けを制限しています。"
            "パスワードが正しければログインできます。15分ほどたってからもう一度お試しください。"
        ),
        "unverified": _(
            "メールアドレスの確認が済んでいません。届いたメールのリンクを開いてください。"
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if (
            self.request is not None
            and username
            and password
            and throttle.address_is_throttled(self.request)
        ):
            # Many failures from this address (a shared office NAT, a proxy, or an attacker):
            # a correct password still opens an account that has not failed itself.
            failed_before = throttle.account_has_failed(username)
            user = authenticate(self.request, username=username, password=password)
            if user is None or failed_before:
                raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
            self.user_cache = user
            self.confirm_login_allowed(user)
            return self.cleaned_data
        return super().clean()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class SignUpForm(forms.Form):
    full_name = CleanCharField(
        label=_("氏名"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    full_name_kana = KanaReadingField(label=_("氏名（ふりがな）"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("メールアドレス"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("8文字以上で、名前やよくある語と似ていないもの。"),
    )
    password2 = forms.CharField(
        label=_("パスワード（確認）"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        # Whether the address already has an account is never said here (the owner is told
        # by mail instead): the page must not tell anyone who uses Kyodo.
        return str(self.cleaned_data["email"]).lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("確認用のパスワードが一致しません。"))
        elif p1:
            candidate = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        from kyodo.japan.text import nfkc

        value = nfkc(self.cleaned_data["token"]).replace(" ", "")
        if not value.isdigit() or len(value) != 6:
            raise forms.ValidationError(_("6桁の数字を入力してください。"))
        return value


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("役割"), choices=Role.choices)
    section = forms.ModelChoiceField(
        label=_("所属課（担当課職員のとき）"),
        queryset=Section.objects.current().select_related("division"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.DEPARTMENT and not data.get("section"):
            self.add_error("section", _("担当課職員には所属課を選んでください。"))
        return data


class DivisionForm(forms.Form):
    name = CleanCharField(label=_("部の名称"), max_length=100)
    order = LooseIntegerField(
        label=_("表示順"),
        min_value=0,
        max_value=10_000,
        initial=0,
        help_text=_("小さい順に並びます。"),
    )
    retired = forms.BooleanField(
        label=_("廃止する（過去の記録には残り、新しく選べなくなります）"), required=False
    )

    def __init__(self, *args: Any, division: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.division = division

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        others = Division.objects.filter(name=name)
        if self.division is not None:
            others = others.exclude(pk=self.division.pk)
        if others.exists():
            raise forms.ValidationError(_("同じ名前の部があります。"))
        return name


class SectionForm(forms.Form):
    division = forms.ModelChoiceField(label=_("部"), queryset=Division.objects.all())
    name = CleanCharField(label=_("課の名称"), max_length=100)
    email = forms.EmailField(label=_("課のメールアドレス"), required=False)
    phone = CleanCharField(label=_("電話番号"), max_length=30, required=False)
    order = LooseIntegerField(
        label=_("表示順"),
        min_value=0,
        max_value=10_000,
        initial=0,
        help_text=_("部の中で小さい順に並びます。"),
    )
    retired = forms.BooleanField(
        label=_("廃止する（過去の記録には残り、新しく選べなくなります）"), required=False
    )

    def __init__(self, *args: Any, section: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        division, name = data.get("division"), data.get("name")
        if division and name:
            others = Section.objects.filter(division=division, name=name)
            if self.section is not None:
                others = others.exclude(pk=self.section.pk)
            if others.exists():
                self.add_error("name", _("この部に同じ名前の課があります。"))
        return data
