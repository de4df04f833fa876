"""Registry pages: the public directory, a group's own pages, and the staff pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kyodo.core.caching import anonymous_page_cache
from kyodo.core.confirm import confirmation, needs_confirmation
from kyodo.core.editing import EditConflict, keep_typed_after_conflict
from kyodo.core.errors import DomainError
from kyodo.core.files import stored_file_response
from kyodo.core.http import AuthenticatedHttpRequest, acting_user
from kyodo.core.once import once_per_submit
from kyodo.core.pagination import IdsFirstPaginator
from kyodo.core.permissions import authorize, check
from kyodo.japan.postal import lookup_address
from kyodo.registry import cards, exports, importer, selectors, services, workflow
from kyodo.registry.forms import (
    DirectoryFilterForm,
    DocumentForm,
    GroupForm,
    ImportUploadForm,
    InvitationForm,
    MemberEntryForm,
    MembershipRoleForm,
    ReturnForm,
    StaffFilterForm,
)
from kyodo.registry.models import (
    PUBLISHABLE_ITEMS,
    CivicGroup,
    GroupDocument,
    GroupInvitation,
    GroupMemberEntry,
    GroupMembership,
    PendingPublicChange,
    RegistrationApplication,
)


def _filter_from(form: DirectoryFilterForm) -> selectors.GroupFilter:
    if not form.is_valid():
        return selectors.GroupFilter()
    data = form.cleaned_data
    return selectors.GroupFilter(
        query=data.get("q") or "",
        field_id=data["field"].pk if data.get("field") else None,
        legal_form=data.get("legal_form") or "",
        area=data["area"].pk if data.get("area") else None,
    )


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- public -----------------------------------------------------------------------------


@anonymous_page_cache(selectors.directory_generation)
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    flt = _filter_from(form)
    page = IdsFirstPaginator(
        selectors.directory(flt=flt),
        settings.KYODO_PAGE_SIZE,
        count_key=selectors.directory_count_key(flt),
        count_list=selectors.directory_matches(flt=flt),
        count_with_page=selectors.directory_counts_with_page(flt),
        rows=selectors.directory_rows(),
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "cards": cards.group_cards(page, selectors.field_labels_of(list(page))),
        "query_string": _querystring_without_page(request),
        "filtered": any(vars(flt).values()),
    }
    return render(request, "registry/directory.html", context)


def directory_export(request: HttpRequest) -> HttpResponse:
    """Open data: every registered group, public items only."""
    form = DirectoryFilterForm(request.GET or None)
    return exports.public_csv(
        selectors.directory(flt=_filter_from(form), full=True).iterator(chunk_size=2000)
    )


@anonymous_page_cache(selectors.directory_generation)
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup.objects.select_related("area"), pk=pk)
    authorize(request.user, "registry.view_group", group)
    documents = group.documents.filter(is_public=True)
    context = {"group": group, "public": group.public_values(), "documents": documents}
    return render(request, "registry/group_detail.html", context)


def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(GroupDocument.objects.select_related("group"), pk=pk)
    authorize(request.user, "registry.download_document", document)
    return stored_file_response(document)


# --- the group's own pages ------------------------------------------------------------------


@login_required
def my_groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/my_groups.html",
        {"memberships": selectors.memberships_of(user=request.user)},
    )


LOOKUP_BUTTON = "lookup_address"


def _address_looked_up(data: QueryDict, **form_kwargs: Any) -> GroupForm:
    """The form as typed, with the address filled in from the postal code (the form's
    「住所を調べる」 button, for browsers without the script). Only the postal code's own
    message shows: the rest of the form is not being sent yet."""
    data = data.copy()
    code = data.get("postal_code", "")
    address = lookup_address(code) if code.strip() else None
    if address:
        data["address"] = address
    form = GroupForm(data, **form_kwargs)
    for name in list(form.errors):
        if name != "postal_code":
            del form.errors[name]
    if not form.errors and not address:
        form.add_error(
            "postal_code",
            _(
                "この郵便番号の住所が見つかりません。7桁の郵便番号を確かめるか、住所を入力してください。"
            ),
        )
    return form


@require_GET
@login_required
def postal_lookup(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The address of a postal code, for the group form's script (static/js/postal-lookup.js)."""
    address = lookup_address(request.GET.get("code", "")[:20])
    return JsonResponse({"found": address is not None, "address": address or ""})


@login_required
@once_per_submit(fallback="registry:my_groups")
def group_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST" and LOOKUP_BUTTON in request.POST:
        form = _address_looked_up(request.POST)
        return render(request, "registry/group_form.html", {"form": form, "is_new": True})
    form = GroupForm(request.POST or None, initial={"public_items": _default_public()})
    if request.method == "POST" and form.is_valid():
        application = services.group_start_registration(
            actor=request.user,
            data=form.profile_data(),
            fields=form.cleaned_data["fields"],
        )
        messages.success(
            request, _("下書きを保存しました。内容を確かめて「申請する」を押してください。")
        )
        return redirect("registry:my_group", pk=application.group_id)
    return render(request, "registry/group_form.html", {"form": form, "is_new": True})


def _default_public() -> list[str]:
    from kyodo.registry.models import DEFAULT_PUBLIC_ITEMS

    return list(DEFAULT_PUBLIC_ITEMS)


@login_required
def my_group(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup.objects.select_related("area"), pk=pk)
    authorize(request.user, "registry.view_private", group)
    return render(request, "registry/my_group.html", _my_group_context(request, group))


def _my_group_context(
    request: HttpRequest,
    group: CivicGroup,
    *,
    invite_form: InvitationForm | None = None,
    document_form: DocumentForm | None = None,
) -> dict[str, Any]:
    """The group's own page; a form sent with errors comes back in it, as typed."""
    application = selectors.open_application(group)
    context: dict[str, Any] = {
        "group": group,
        "application": application,
        "actions": workflow.REGISTRATION.actions_for(request.user, application)
        if application
        else [],
        "history": group.applications.select_related("decided_by").order_by("-created_at"),
        "memberships": group.memberships.select_related("user").order_by("role", "user__email"),
        "invitations": group.invitations.filter(
            accepted_at__isnull=True, expires_at__gte=timezone.now()
        ),
        "documents": group.documents.all(),
        "invite_form": invite_form if invite_form is not None else InvitationForm(),
        "document_form": document_form if document_form is not None else DocumentForm(),
        "publishable": PUBLISHABLE_ITEMS,
        "profile_rows": exports.profile_rows(group),
        "pending_change": PendingPublicChange.objects.filter(group=group).first(),
        "today": timezone.localdate(),
    }
    return context


@login_required
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=pk)
    authorize(request.user, "registry.edit_group", group)
    conflict = None
    counted = group.member_entries.exists()
    counts = {name: getattr(group, name) for name in GroupForm.COUNTS}
    if request.method == "POST" and LOOKUP_BUTTON in request.POST:
        form = _address_looked_up(request.POST, counted=counted, initial=counts)
    elif request.method == "POST":
        form = GroupForm(request.POST, counted=counted, initial=counts)
        if form.is_valid():
            try:
                services.group_update(
                    actor=request.user,
                    group=group,
                    data=form.profile_data(),
                    fields=form.cleaned_data["fields"],
                    expected_version=form.cleaned_data.get("version") or 0,
                )
            except EditConflict as exc:
                # Keep what this person typed; show the other save beside it and let them
                # save again on top of the newer version.
                conflict = exc.current
                keep_typed_after_conflict(form, exc)
            else:
                messages.success(request, _("団体の情報を保存しました。"))
                return redirect("registry:my_group", pk=group.pk)
    else:
        # What the group last saved, its changes awaiting the center included.
        initial = {**GroupForm.initial_for(group), "version": group.version}
        initial.update(exports.pending_initial(group))
        form = GroupForm(initial=initial, counted=counted)
    context = {
        "form": form,
        "group": group,
        "conflict": conflict,
        "conflict_profile": services.group_profile(conflict) if conflict else None,
    }
    return render(request, "registry/group_form.html", context)


@require_POST
@login_required
def application_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    application = get_object_or_404(RegistrationApplication, pk=pk)
    authorize(request.user, "registry.transition", (application, action))
    if workflow.TRANSITIONS[action].needs_reason:  # _may() above: the action exists
        # This button-only form has no reason field: the review page asks for it.
        messages.error(request, _("差し戻す理由を入力してください。"))
        return redirect("registry:staff_application", pk=application.pk)
    if action in ("submit", "withdraw") and needs_confirmation(request):
        questions = {
            "submit": _("この内容で登録を申請しますか。申請中は内容を変更できません。"),
            "withdraw": _("この申請を取り下げますか。取り下げた申請は元に戻せません。"),
        }
        return confirmation(
            request,
            title=str(workflow.TRANSITIONS[action].label),
            question=str(questions[action]),
            button=str(workflow.TRANSITIONS[action].label),
            cancel_url=reverse("registry:my_group", args=[application.group_id]),
        )
    services.application_transition(application=application, action=action, actor=request.user)
    labels = {
        "submit": _("申請しました。センターの確認をお待ちください。"),
        "withdraw": _("申請を取り下げました。"),
    }
    messages.success(request, labels.get(action, _("更新しました。")))
    return redirect("registry:my_group", pk=application.group_id)


@require_POST
@login_required
def renewal_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=pk)
    services.renewal_start(actor=request.user, group=group)
    messages.success(
        request,
        _(
            "登録更新の申請を始めました。昨年度の内容を確かめ、必要なら修正してから申請してください。"
        ),
    )
    return redirect("registry:my_group", pk=group.pk)


def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup.objects.select_related("area"), pk=pk)
    authorize(request.user, "registry.view_private", group)
    return render(
        request, "registry/certificate.html", {"group": group, "today": timezone.localdate()}
    )


@require_POST
@login_required
@once_per_submit(fallback="registry:my_group")
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=pk)
    authorize(request.user, "registry.manage_members", group)
    form = InvitationForm(request.POST)
    if form.is_valid():
        services.invitation_create(actor=request.user, group=group, **form.cleaned_data)
        messages.success(
            request,
            _("%(email)s に招待メールを送りました。") % {"email": form.cleaned_data["email"]},
        )
    else:
        # Back to the group's page with the form as typed and the message at the field.
        return render(
            request,
            "registry/my_group.html",
            _my_group_context(request, group, invite_form=form),
        )
    return redirect("registry:my_group", pk=group.pk)


@login_required
def accept_invitation(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(GroupInvitation.objects.select_related("group"), token=token)
    decision = check("registry.accept_invitation", request.user, invitation)
    if request.method == "POST" and decision:
        services.invitation_accept(actor=request.user, invitation=invitation)
        messages.success(
            request, _("%(name)s のメンバーになりました。") % {"name": invitation.group.name}
        )
        return redirect("registry:my_group", pk=invitation.group_id)
    return render(
        request, "registry/accept_invitation.html", {"invitation": invitation, "decision": decision}
    )


def _member_list_page(
    request: HttpRequest, group: CivicGroup, form: MemberEntryForm
) -> HttpResponse:
    context = {
        "group": group,
        "entries": group.member_entries.all(),
        "form": form,
        "counts": services.member_counts(group),
    }
    return render(request, "registry/member_list.html", context)


@require_GET
@login_required
def member_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group's private member list (会員名簿), from which its counts follow."""
    group = get_object_or_404(CivicGroup, pk=pk)
    authorize(request.user, "registry.view_member_list", group)
    return _member_list_page(request, group, MemberEntryForm())


@require_POST
@login_required
@once_per_submit(fallback="registry:member_list")
def member_entry_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=pk)
    authorize(request.user, "registry.edit_member_list", group)
    form = MemberEntryForm(request.POST)
    if not form.is_valid():
        return _member_list_page(request, group, form)
    services.member_entry_add(actor=request.user, group=group, **form.cleaned_data)
    messages.success(request, _("会員名簿に追加しました。"))
    return redirect("registry:member_list", pk=group.pk)


@login_required
@once_per_submit(fallback="registry:member_list")
def member_entry_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(GroupMemberEntry.objects.select_related("group"), pk=pk)
    authorize(request.user, "registry.edit_member_list", entry.group)
    initial = {"name": entry.name, "role": entry.role, "is_citizen": entry.is_citizen}
    form = MemberEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.member_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
        messages.success(request, _("会員名簿を直しました。"))
        return redirect("registry:member_list", pk=entry.group_id)
    return render(
        request,
        "registry/member_entry_form.html",
        {"entry": entry, "group": entry.group, "form": form},
    )


@require_POST
@login_required
def member_entry_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(GroupMemberEntry.objects.select_related("group"), pk=pk)
    authorize(request.user, "registry.edit_member_list", entry.group)
    if needs_confirmation(request):
        return confirmation(
            request,
            title=_("会員名簿から外す"),
            question=_("「%(name)s」を会員名簿から外しますか。") % {"name": entry.name},
            button=_("外す"),
            cancel_url=reverse("registry:member_list", args=[entry.group_id]),
        )
    services.member_entry_remove(actor=request.user, entry=entry)
    messages.success(request, _("会員名簿から外しました。"))
    return redirect("registry:member_list", pk=entry.group_id)


@require_POST
@login_required
def membership_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(GroupMembership.objects.select_related("group", "user"), pk=pk)
    authorize(request.user, "registry.manage_members", membership.group)
    try:
        if request.POST.get("remove"):
            services.membership_remove(actor=request.user, membership=membership)
            messages.success(request, _("メンバーを外しました。"))
        else:
            form = MembershipRoleForm(request.POST)
            if form.is_valid():
                services.membership_set_role(
                    actor=request.user, membership=membership, role=form.cleaned_data["role"]
                )
                messages.success(request, _("役割を変更しました。"))
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("registry:my_group", pk=membership.group_id)


@require_POST
@login_required
@once_per_submit(fallback="registry:my_group")
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=pk)
    authorize(request.user, "registry.edit_group", group)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_upload(
                actor=request.user,
                group=group,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("書類を登録しました。"))
            return redirect("registry:my_group", pk=group.pk)
    # Back to the group's page with the choices as made and the message at the field.
    return render(
        request, "registry/my_group.html", _my_group_context(request, group, document_form=form)
    )


@require_POST
@login_required
def document_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(GroupDocument.objects.select_related("group"), pk=pk)
    authorize(request.user, "registry.edit_group", document.group)
    if needs_confirmation(request):
        return confirmation(
            request,
            title=_("書類の削除"),
            question=_("「%(name)s」を削除しますか。") % {"name": document.original_name},
            button=_("削除する"),
            cancel_url=reverse("registry:my_group", args=[document.group_id]),
        )
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("書類を削除しました。"))
    return redirect("registry:my_group", pk=document.group_id)


# --- staff ---------------------------------------------------------------------------------


def staff_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "registry.view_staff_pages")
    form = StaffFilterForm(request.GET or None)
    flt = _filter_from(form)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    groups = selectors.staff_group_list(flt=flt, status=status)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return exports.staff_export(groups, export)
    page = Paginator(groups, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query_string": _querystring_without_page(request),
        "awaiting": selectors.applications_awaiting_review().count(),
        "today": timezone.localdate(),
    }
    return render(request, "registry/staff_list.html", context)


def staff_applications(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "registry.review_application")
    return render(
        request,
        "registry/staff_applications.html",
        {
            "applications": selectors.applications_awaiting_review(),
            "public_changes": selectors.public_changes_awaiting_review(),
        },
    )


def public_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A registered group's changes to its public items, before and after, for the center
    to accept (the public page then shows them) or decline with a reason."""
    change = get_object_or_404(PendingPublicChange.objects.select_related("group__area"), pk=pk)
    authorize(request.user, "registry.review_public_change", change)
    decline_form = ReturnForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "accept":
            services.public_change_accept(actor=acting_user(request), change=change)
            messages.success(request, _("変更を公開内容に反映しました。"))
            return redirect("registry:staff_applications")
        if action == "decline" and decline_form.is_valid():
            services.public_change_decline(
                actor=acting_user(request),
                change=change,
                reason=decline_form.cleaned_data["reason"],
            )
            messages.success(request, _("変更を反映せず、団体に理由を知らせました。"))
            return redirect("registry:staff_applications")
    context = {
        "change": change,
        "group": change.group,
        "rows": [r for r in exports.public_change_rows(change) if r.changed],
        "decline_form": decline_form,
    }
    return render(request, "registry/public_change.html", context)


def staff_application(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        RegistrationApplication.objects.select_related("group__area"), pk=pk
    )
    authorize(request.user, "registry.review_application", application)
    return_form = ReturnForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        authorize(request.user, "registry.transition", (application, action))
        if action == "return" and not return_form.is_valid():
            pass  # the form shows its error next to the reason field
        else:
            reason = return_form.cleaned_data.get("reason", "") if action == "return" else ""
            services.application_transition(
                application=application, action=action, actor=acting_user(request), reason=reason
            )
            messages.success(
                request,
                _("申請を承認しました。") if action == "approve" else _("申請を差し戻しました。"),
            )
            return redirect("registry:staff_applications")
    previous = (
        application.group.applications.filter(
            status=workflow.APPROVED, submitted_at__lt=application.submitted_at or timezone.now()
        )
        .exclude(pk=application.pk)
        .order_by("-submitted_at")
        .first()
    )
    context = {
        "application": application,
        "group": application.group,
        "return_form": return_form,
        "rows": exports.snapshot_rows(
            application.snapshot, previous.snapshot if previous else None
        ),
        "can_review": check("registry.transition", request.user, (application, "approve")),
        "documents": application.group.documents.select_related("uploaded_by"),
    }
    return render(request, "registry/staff_application.html", context)


def staff_import(request: HttpRequest) -> HttpResponse:
    """Bulk import of registered groups from CSV: upload → preview → confirm."""
    authorize(request.user, "registry.import_groups")
    if request.method == "POST" and "token" in request.POST:
        return _staff_import_confirm(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = importer.parse(data)
        except importer.ImportFileError as exc:
            context["file_error"] = str(exc)
        else:
            context["parsed"] = parsed
            if parsed.ok:
                context["filename"] = upload.name
                context["token"] = importer.stash_upload(
                    actor=acting_user(request),
                    data=data,
                    filename=upload.name or "",
                )
    return render(request, "registry/staff_import.html", context)


def _staff_import_confirm(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)  # staff_import has authorized the import
    try:
        data, filename, stored = importer.load_stash(
            actor=actor,
            token=request.POST["token"],
        )
    except importer.StashError:
        messages.error(
            request,
            _(
                "確認画面の有効期限（1時間）が切れたか、ファイルが見つかりません。もう一度ファイルを選んでください。"
            ),
        )
        return redirect("registry:staff_import")
    try:
        outcome = importer.groups_import(actor=actor, data=data, filename=filename)
    except importer.ImportInvalid as exc:
        # Something changed since the preview (e.g. one of the numbers was registered).
        importer.drop_stash(stored)
        context = {"form": ImportUploadForm(), "parsed": exc.parsed}
        return render(request, "registry/staff_import.html", context)
    importer.drop_stash(stored)
    messages.success(request, _("%(count)d団体を取り込みました。") % {"count": len(outcome.groups)})
    return redirect("registry:staff_list")
