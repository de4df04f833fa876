from django.urls import path

from kyodo.registry import views

app_name = "registry"
urlpatterns = [
    path("groups/", views.directory, name="directory"),
    path("groups/export.csv", views.directory_export, name="directory_export"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("postal-codes/", views.postal_lookup, name="postal_lookup"),
    path("my/groups/", views.my_groups, name="my_groups"),
    path("my/groups/new/", views.group_new, name="group_new"),
    path("my/groups/<int:pk>/", views.my_group, name="my_group"),
    path("my/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("my/groups/<int:pk>/renew/", views.renewal_start, name="renewal_start"),
    path("my/groups/<int:pk>/member-list/", views.member_list, name="member_list"),
    path("my/groups/<int:pk>/member-list/add/", views.member_entry_add, name="member_entry_add"),
    path("my/member-list/<int:pk>/", views.member_entry_edit, name="member_entry_edit"),
    path("my/member-list/<int:pk>/delete/", views.member_entry_delete, name="member_entry_delete"),
    path("my/groups/<int:pk>/invite/", views.invite, name="invite"),
    path("my/groups/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "my/applications/<int:pk>/<str:action>/",
        views.application_action,
        name="application_action",
    ),
    path("my/memberships/<int:pk>/", views.membership_update, name="membership_update"),
    path("my/documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("staff/registry/", views.staff_list, name="staff_list"),
    path("staff/registry/import/", views.staff_import, name="staff_import"),
    path("staff/registry/applications/", views.staff_applications, name="staff_applications"),
    path(
        "staff/registry/applications/<int:pk>/", views.staff_application, name="staff_application"
    ),
    path("staff/registry/changes/<int:pk>/", views.public_change, name="public_change"),
]
