"""The quality gates' shared world: every persona, and the objects their URLs point at.

`world` builds group A (with a draft application, a private document, a pending
invitation) and group B, one person per persona, and a logged-in test client for each.
Gates that touch every URL use `world.cell(...)`: one request inside a transaction that is
rolled back afterwards, so a POST by one persona never changes what the next one sees.

`shared_world` is the same world with every app's objects (WORLD_BUILDERS), built once per
test module and xdist worker instead of once per test: the gates that run one case per URL
or per form would otherwise spend most of their time building it again. It lives in a
transaction that is never committed; each test runs in a savepoint inside it (the `db`
fixture), so what one case changes is gone before the next.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone

from kyodo.accounts.models import Role, RoleAssignment, User
from kyodo.registry.models import (
    CivicGroup,
    DocumentKind,
    GroupDocument,
    GroupInvitation,
    GroupMembership,
    GroupRole,
    RegistrationApplication,
)
from tests import factories
from tests.conftest import login

# The personas of the gates, in the order the reports list them. A committee member "with a
# conflict of interest" is one who is also a member of group A, the applicant: the committee
# app adds the formal declaration; until then the membership is what makes the conflict.
PERSONAS = (
    "anonymous",
    "resident",
    "member_a",
    "representative_a",
    "member_b",
    "center_staff",
    "office_staff",
    "department_staff",
    "committee_member",
    "committee_conflicted",
    "administrator",
)


# A tiny but real PDF: the upload checks sniff the content, not the name.
def _png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (grey pixels), built here so that no binary file sits in the tests."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG_BYTES = _png()
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class World:
    users: dict[str, User | None]
    clients: dict[str, Client]
    group_a: CivicGroup
    group_b: CivicGroup
    application_a: RegistrationApplication
    document_a: GroupDocument
    public_document_a: GroupDocument
    invitation_a: GroupInvitation
    membership_a: GroupMembership
    role_assignment: RoleAssignment
    extra: dict[str, Any] = field(default_factory=dict)

    def resolve(self, dotted: str) -> Any:
        """'group_a' → world.group_a.pk; 'invitation_a.token' → the token; 'users.resident'."""
        head, *rest = dotted.split(".")
        if head == "users":
            value: Any = self.users[rest.pop(0)]
        elif hasattr(self, head):
            value = getattr(self, head)
        else:
            value = self.extra[head]
        for part in rest:
            value = getattr(value, part)
        if hasattr(value, "_meta") and not rest:
            return value.pk
        return value

    def client_for(self, persona: str) -> Client:
        return self.clients[persona]

    def cell(
        self,
        persona: str,
        method: str,
        url: str,
        data: dict[str, Any] | None = None,
        prepare: Callable[[World], None] | None = None,
    ) -> HttpResponse:
        """One request whose database effects are rolled back; the client's cookies too."""
        client = self.clients[persona]
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                if prepare is not None:
                    prepare(self)
                send: Callable[..., HttpResponse] = getattr(client, method.lower())
                response = send(url, data or {})
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies
        return response


def make_world() -> World:
    group_a = factories.CivicGroupFactory(
        registered=True, name="グループA", name_kana="ぐるーぷえー"
    )
    group_b = factories.CivicGroupFactory(
        registered=True, name="グループB", name_kana="ぐるーぷびー"
    )
    section = factories.SectionFactory(name="こども支援課")
    users: dict[str, User | None] = {
        "anonymous": None,
        "resident": factories.UserFactory(roles=[Role.RESIDENT], full_name="市民 一郎"),
        "member_a": factories.member(group_a, GroupRole.MEMBER, full_name="会員 A"),
        "representative_a": factories.member(group_a, GroupRole.REPRESENTATIVE, full_name="代表 A"),
        "member_b": factories.member(group_b, GroupRole.REPRESENTATIVE, full_name="代表 B"),
        "center_staff": factories.staff_user(Role.CENTER, full_name="センター 職員"),
        "office_staff": factories.staff_user(Role.OFFICE, full_name="協働 担当"),
        "department_staff": factories.staff_user(
            Role.DEPARTMENT, section=section, full_name="担当課 職員"
        ),
        "committee_member": factories.UserFactory(roles=[Role.COMMITTEE], full_name="委員 一"),
        "committee_conflicted": factories.UserFactory(
            roles=[Role.COMMITTEE], full_name="委員 二（グループAの会員）"
        ),
        "administrator": factories.staff_user(Role.ADMIN, full_name="管理 者"),
    }
    GroupMembership.objects.create(
        group=group_a, user=users["committee_conflicted"], role=GroupRole.MEMBER
    )
    rep_a = users["representative_a"]
    application_a = factories.RegistrationApplicationFactory(group=group_a, submitted=True)
    document_a = GroupDocument.objects.create(
        group=group_a,
        kind=DocumentKind.OFFICERS,
        file=ContentFile(PDF_BYTES, name="officers.pdf"),
        original_name="役員名簿.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        is_public=False,
        uploaded_by=rep_a,
    )
    public_document_a = GroupDocument.objects.create(
        group=group_a,
        kind=DocumentKind.RULES,
        file=ContentFile(PDF_BYTES, name="rules.pdf"),
        original_name="会則.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        is_public=True,
        uploaded_by=rep_a,
    )
    invitation_a = GroupInvitation.objects.create(
        group=group_a,
        email="invitee@example.jp",
        role=GroupRole.MEMBER,
        token="invitation-token-for-group-a",
        invited_by=rep_a,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    membership_a = GroupMembership.objects.get(group=group_a, user=users["member_a"])
    role_assignment = RoleAssignment.objects.get(user=users["resident"], role=Role.RESIDENT)
    clients: dict[str, Client] = {}
    for persona, user in users.items():
        client = Client()
        if user is not None:
            login(client, user)
        clients[persona] = client
    return World(
        users=users,
        clients=clients,
        group_a=group_a,
        group_b=group_b,
        application_a=application_a,
        document_a=document_a,
        public_document_a=public_document_a,
        invitation_a=invitation_a,
        membership_a=membership_a,
        role_assignment=role_assignment,
    )


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def full_world(world: World) -> World:
    """The world with every app's objects too (the builders the matrix module lists)."""
    return build_full_world(world)


def build_full_world(world: World) -> World:
    from tests.gates.test_authorization_matrix import WORLD_BUILDERS

    for build in WORLD_BUILDERS:
        world.extra.update(build(world))
    return world


@pytest.fixture(scope="module")
def _shared_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    media = tmp_path_factory.mktemp("gate-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_full_world(make_world())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shared_world(_shared_world: World, db: None) -> Iterator[World]:
    """The full world, built once per module and worker (see the module docstring)."""
    from django.core.cache import cache

    cache.clear()  # built before this test's cache was emptied: nothing of it may leak
    yield _shared_world
