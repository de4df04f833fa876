from __future__ import annotations

from django.db.models import Q, QuerySet

from kyodo.accounts.models import RoleAssignment, User


def roles_of(*, user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("section__division").order_by("role")


def user_list(*, query: str = "") -> QuerySet[User]:
    users = User.objects.prefetch_related("role_assignments__section").order_by("email")
    if query:
        users = users.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    return users
