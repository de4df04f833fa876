from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.core.choices import ListedModelChoiceField
from kyodo.core.editing import VersionField
from kyodo.japan.forms import (
    CleanCharField,
    JapaneseDateField,
    KanaReadingField,
    LooseIntegerField,
    PostalCodeField,
)
from kyodo.japan.text import nfkc
from kyodo.registry.models import (
    PUBLISHABLE_ITEMS,
    ActivityField,
    Area,
    CivicGroup,
    DocumentKind,
    GroupRole,
    LegalForm,
    MemberListRole,
)


class GroupForm(forms.Form):
    name = CleanCharField(label=_("団体名"), max_length=200)
    name_kana = KanaReadingField(
        label=_("団体名（ふりがな）"),
        max_length=200,
        help_text=_("ひらがなまたはカタカナ。五十音順の並びに使います。"),
    )
    legal_form = forms.ChoiceField(
        label=_("法人格"), choices=[("", "---------"), *LegalForm.choices]
    )
    corporate_number = CleanCharField(label=_("法人番号（13桁）"), max_length=20, required=False)
    representative_name = CleanCharField(label=_("代表者名"), max_length=100)
    representative_kana = KanaReadingField(
        label=_("代表者名（ふりがな）"), max_length=100, required=False
    )
    contact_name = CleanCharField(label=_("連絡担当者名"), max_length=100, required=False)
    postal_code = PostalCodeField(label=_("郵便番号"), required=False)
    address = CleanCharField(
        label=_("住所"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    phone = CleanCharField(
        label=_("電話番号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("団体のメールアドレス"), required=False)
    website = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    social_links = CleanCharField(
        label=_("SNSなどのリンク（1行に1つ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    founded_on = JapaneseDateField(
        label=_("設立年月日"), required=False, help_text=_("例：2020-04-01、令和2年4月1日")
    )
    member_count = LooseIntegerField(label=_("会員数"), min_value=0, max_value=1_000_000)
    officer_count = LooseIntegerField(label=_("役員数"), min_value=0, max_value=10_000)
    citizen_member_count = LooseIntegerField(
        label=_("市内在住・在勤・在学の会員数"), min_value=0, max_value=1_000_000
    )
    # The model's field is called `fields`. The form metaclass moves declared fields into
    # base_fields, so this never shadows BaseForm.fields at run time; the stubs cannot see that.
    fields = forms.ModelMultipleChoiceField(  # type: ignore[assignment]
        label=_("活動分野（複数選べます）"),
        queryset=ActivityField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = CleanCharField(
        label=_("目的"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    activities = CleanCharField(
        label=_("主な活動"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    area = forms.ModelChoiceField(label=_("主な活動地域"), queryset=Area.objects.all())
    activity_days = CleanCharField(
        label=_("活動日"), max_length=200, required=False, help_text=_("例：毎月第2土曜日")
    )
    public_items = forms.MultipleChoiceField(
        label=_("公開する項目"),
        choices=PUBLISHABLE_ITEMS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "チェックした項目だけが団体紹介ページに載ります。団体名・ふりがな・法人格・活動分野・活動地域・登録番号は常に公開されます。"
        ),
    )
    version = VersionField()

    COUNTS = ("member_count", "officer_count", "citizen_member_count")

    def __init__(self, *args: Any, counted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        # A group that keeps a member list has its counts counted from it, not typed.
        self.counted = counted
        # The instance's fields (the declared `fields` field hides them from the type checker).
        own: dict[str, forms.Field] = vars(self)["fields"]
        if counted:
            for name in self.COUNTS:
                field = own[name]
                field.disabled, field.required = True, False
                field.help_text = _("会員名簿から数えています。名簿を直すと変わります。")

        # static/js/postal-lookup.js fills the address from here as the code is typed.
        own["postal_code"].widget.attrs.update(
            {"data-postal-lookup": reverse("registry:postal_lookup"), "data-address": "id_address"}
        )

    def clean_corporate_number(self) -> str:
        value = nfkc(self.cleaned_data["corporate_number"]).replace("-", "").strip()
        if value and not re.fullmatch(r"\d{13}", value):
            raise forms.ValidationError(_("法人番号は13桁の数字で入力してください。"))
        return value

    def clean_phone(self) -> str:
        value = nfkc(self.cleaned_data["phone"]).strip().replace("ー", "-").replace("−", "-")
        if value and not re.fullmatch(r"[\d\-() ]{10,20}", value):
            raise forms.ValidationError(
                _("電話番号は数字とハイフンで入力してください（例：0467-23-3000）。")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        members, citizens, officers = (
            data.get("member_count"),
            data.get("citizen_member_count"),
            data.get("officer_count"),
        )
        if members is not None and citizens is not None and citizens > members:
            self.add_error("citizen_member_count", _("市内の会員数は会員数以下にしてください。"))
        if members is not None and officers is not None and officers > members:
            self.add_error("officer_count", _("役員数は会員数以下にしてください。"))
        legal = data.get("legal_form")
        if (
            legal
            and legal not in (LegalForm.VOLUNTARY, LegalForm.NEIGHBORHOOD, LegalForm.OTHER)
            and not data.get("corporate_number")
        ):
            self.add_error("corporate_number", _("法人の場合は法人番号を入力してください。"))
        return data

    @classmethod
    def initial_for(cls, group: CivicGroup) -> dict[str, Any]:
        initial = {
            name: getattr(group, name)
            for name in cls.base_fields
            if hasattr(group, name) and name != "fields"
        }
        initial["fields"] = list(group.fields.all())
        initial["area"] = group.area
        return initial

    def profile_data(self) -> dict[str, Any]:
        skip = {"fields", "version", *(self.COUNTS if self.counted else ())}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("団体名・ふりがなで探す"), required=False, max_length=100)
    field = ListedModelChoiceField(
        label=_("活動分野"),
        queryset=ActivityField.objects.all(),
        required=False,
        empty_label=_("すべて"),
    )
    legal_form = forms.ChoiceField(
        label=_("法人格"), choices=[("", _("すべて")), *LegalForm.choices], required=False
    )
    area = ListedModelChoiceField(
        label=_("活動地域"), queryset=Area.objects.all(), required=False, empty_label=_("すべて")
    )


class StaffFilterForm(DirectoryFilterForm):
    status = forms.ChoiceField(
        label=_("登録の状態"),
        required=False,
        choices=[
            ("", _("すべて")),
            ("registered", _("登録中")),
            ("lapsed", _("失効")),
            ("unregistered", _("未登録（申請中）")),
        ],
    )


class ReturnForm(forms.Form):
    reason = CleanCharField(
        label=_("差戻しの理由（団体に表示されます）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("招待する人のメールアドレス"))
    role = forms.ChoiceField(
        label=_("団体での役割"), choices=GroupRole.choices, initial=GroupRole.MEMBER
    )


class MemberEntryForm(forms.Form):
    name = CleanCharField(label=_("氏名"), max_length=100)
    role = forms.ChoiceField(
        label=_("役職"), choices=MemberListRole.choices, initial=MemberListRole.MEMBER
    )
    is_citizen = forms.BooleanField(label=_("市内在住・在勤・在学"), required=False)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("団体での役割"), choices=GroupRole.choices)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("書類の種類"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("ファイル（PDF・Word・Excel・画像、10MBまで）"))
    is_public = forms.BooleanField(label=_("団体紹介ページで公開する"), required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_(
            "「登録団体の管理」から書き出したCSVと同じ列の見出しで、UTF-8 または Shift_JIS（CP932）で保存したもの。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        limit = settings.KYODO_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("ファイルが大きすぎます（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}
            )
        return upload
