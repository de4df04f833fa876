from django.urls import path

from kyodo.projects import views

app_name = "projects"
urlpatterns = [
    path("staff/projects/", views.staff_list, name="staff_list"),
    path("my/groups/<int:group_pk>/projects/", views.group_list, name="group_list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path(
        "projects/<int:pk>/agreement/versions/",
        views.agreement_versions,
        name="agreement_versions",
    ),
    path(
        "projects/<int:pk>/agreement/do/<str:action>/",
        views.agreement_action,
        name="agreement_action",
    ),
    path(
        "projects/<int:pk>/agreement/conclude/",
        views.agreement_conclude,
        name="agreement_conclude",
    ),
    path("project-conditions/<int:pk>/settle/", views.condition_settle, name="condition_settle"),
    path("agreement-scans/<int:pk>/", views.scan_download, name="scan_download"),
    path("staff/project-reports/", views.report_list, name="report_list"),
    path("projects/<int:pk>/reports/schedule/", views.report_schedule, name="report_schedule"),
    path("project-reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("project-reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("project-reports/<int:pk>/do/<str:action>/", views.report_action, name="report_action"),
    path("project-reports/<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("report-photos/<int:pk>/", views.photo_file, name="photo"),
    path("report-photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    # The public side.
    path("projects/", views.public_list, name="public_list"),
    path("projects/<int:pk>/summary/", views.public_detail, name="public_detail"),
    path(
        "projects/report-session/<int:fiscal_year>/",
        views.report_session,
        name="report_session",
    ),
    path("staff/report-sessions/", views.report_sessions, name="report_sessions"),
    path(
        "staff/report-sessions/<int:fiscal_year>/",
        views.report_session_edit,
        name="report_session_edit",
    ),
]
