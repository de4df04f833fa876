from django.urls import path

from kyodo.evaluation import views

app_name = "evaluation"
urlpatterns = [
    # the office and the departments
    path("staff/evaluation/", views.staff_index, name="staff_index"),
    path("staff/evaluation/settings/<int:pk>/", views.settings_page, name="settings"),
    path("staff/evaluation/budget/", views.budget_list, name="budget_list"),
    path("staff/evaluation/budget/export.xlsx", views.budget_export, name="budget_export"),
    path("staff/evaluation/budget/<int:pk>/", views.budget_edit, name="budget_edit"),
    path(
        "staff/evaluation/budget/<int:pk>/do/<str:action>/",
        views.budget_action,
        name="budget_action",
    ),
    path("staff/evaluation/budget/<int:pk>/passed/", views.budget_pass, name="budget_pass"),
    # a project's partners and the office
    path("projects/<int:pk>/evaluation/", views.project_page, name="project"),
    path("projects/<int:pk>/evaluation/targets/", views.targets_edit, name="targets_edit"),
    path(
        "projects/<int:pk>/evaluation/targets/do/<str:action>/",
        views.targets_action,
        name="targets_action",
    ),
    path("project-years/<int:pk>/evaluation/<str:side>/", views.evaluate, name="evaluate"),
    path(
        "evaluations/<int:pk>/do/<str:action>/",
        views.evaluation_action,
        name="evaluation_action",
    ),
    path("project-years/<int:pk>/review-meeting/", views.meeting, name="meeting"),
    path("project-years/<int:pk>/outcome/", views.outcome, name="outcome"),
    # the public
    path("evaluation/reflections/", views.public_index, name="public_index"),
    path("evaluation/reflections/<int:fiscal_year>/", views.public_year, name="public_year"),
]
