from django.urls import path

from kyodo.proposals import views

app_name = "proposals"
urlpatterns = [
    path(
        "my/groups/<int:group_pk>/consultations/new/",
        views.consultation_new,
        name="consultation_new",
    ),
    path("my/groups/<int:group_pk>/proposals/", views.group_proposals, name="group_proposals"),
    path("my/groups/<int:group_pk>/proposals/new/", views.proposal_new, name="new"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path(
        "consultations/<int:pk>/<str:step>/",
        views.consultation_manage,
        name="consultation_manage",
    ),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/budget/", views.proposal_budget, name="budget"),
    path("proposals/<int:pk>/versions/", views.proposal_versions, name="versions"),
    path("proposals/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("proposals/<int:pk>/fourparty/", views.fourparty_schedule, name="fourparty_schedule"),
    path("proposals/<int:pk>/do/<str:action>/", views.proposal_action, name="action"),
    path("proposals/<int:pk>/assign/", views.proposal_assign, name="assign"),
    path("proposal-files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("proposal-files/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("fourparty/<int:pk>/record/", views.fourparty_record, name="fourparty_record"),
    path("staff/proposals/", views.staff_list, name="staff_list"),
    path("staff/consultations/", views.staff_consultations, name="staff_consultations"),
    path(
        "staff/calls/<int:call_pk>/consultations/",
        views.call_consultations,
        name="call_consultations",
    ),
]
