from django.urls import path

from kyodo.surveys import views

app_name = "surveys"
urlpatterns = [
    # respondents
    path("surveys/", views.public_list, name="public_list"),
    path("surveys/<int:pk>/", views.answer_start, name="answer_start"),
    path("surveys/<int:pk>/results/", views.public_results, name="public_results"),
    path("surveys/answer/<str:token>/", views.answer, name="answer"),
    path("surveys/answer/<str:token>/done/", views.answer_done, name="answer_done"),
    # staff: building
    path("staff/surveys/", views.staff_index, name="staff_index"),
    path("staff/surveys/new/", views.survey_new, name="survey_new"),
    path("staff/surveys/<int:survey_pk>/editions/new/", views.edition_new, name="edition_new"),
    path("staff/surveys/editions/<int:pk>/", views.edition, name="edition"),
    path(
        "staff/surveys/editions/<int:pk>/step/<str:step>/", views.edition_step, name="edition_step"
    ),
    path("staff/surveys/editions/<int:pk>/sections/new/", views.section_new, name="section_new"),
    path("staff/surveys/editions/<int:pk>/questions/new/", views.question_new, name="question_new"),
    path("staff/surveys/editions/<int:pk>/method/", views.edition_method, name="edition_method"),
    path("staff/surveys/editions/<int:pk>/invitations/", views.invitations, name="invitations"),
    # staff: paper and files
    path("staff/surveys/editions/<int:pk>/key/", views.keying, name="keying"),
    path("staff/surveys/editions/<int:pk>/key/second/", views.keying_second, name="keying_second"),
    path("staff/surveys/editions/<int:pk>/mismatches/", views.mismatches, name="mismatches"),
    path(
        "staff/surveys/mismatches/<int:pk>/<str:keep>/",
        views.mismatch_resolve,
        name="mismatch_resolve",
    ),
    path("staff/surveys/editions/<int:pk>/import/", views.answers_import, name="import"),
    # staff: results
    path("staff/surveys/editions/<int:pk>/results/", views.results, name="results"),
    path("staff/surveys/questions/<int:question_pk>/respondents/", views.cell, name="cell"),
    path("staff/surveys/editions/<int:pk>/results/export.<str:fmt>", views.export, name="export"),
    path("staff/surveys/editions/<int:pk>/report/", views.report, name="report"),
    path("staff/surveys/editions/<int:pk>/free-text/", views.free_text, name="free_text"),
    path(
        "staff/surveys/free-text/<int:pk>/publish/",
        views.free_text_publish,
        name="free_text_publish",
    ),
]
