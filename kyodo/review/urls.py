from django.urls import path

from kyodo.review import views

app_name = "review"
urlpatterns = [
    # committee members
    path("review/", views.member_home, name="member_home"),
    path("review/proposals/<int:pk>/declare/", views.declare, name="declare"),
    path("review/proposals/<int:pk>/", views.proposal_view, name="proposal"),
    path("review/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("review/proposals/<int:pk>/score/<int:round_number>/", views.score, name="score"),
    # the office
    path("staff/review/", views.staff_index, name="staff_index"),
    path("staff/review/member-kinds/", views.member_kinds, name="member_kinds"),
    path("staff/review/calls/<int:call_pk>/", views.committee_page, name="committee"),
    path(
        "staff/review/calls/<int:call_pk>/do/<str:step>/", views.committee_act, name="committee_act"
    ),
    path("staff/review/calls/<int:call_pk>/criteria/", views.criteria_page, name="criteria"),
    path(
        "staff/review/calls/<int:call_pk>/criteria/do/<str:step>/",
        views.criteria_act,
        name="criteria_act",
    ),
    path("staff/review/calls/<int:call_pk>/results/", views.staff_results, name="staff_results"),
    path("staff/review/calls/<int:call_pk>/export.xlsx", views.staff_export, name="export"),
    path("staff/review/proposals/<int:pk>/", views.staff_proposal, name="staff_proposal"),
    path(
        "staff/review/proposals/<int:pk>/do/<str:step>/",
        views.staff_proposal_act,
        name="staff_proposal_act",
    ),
    path(
        "staff/review/declarations/<int:pk>/revoke/",
        views.declaration_revoke,
        name="declaration_revoke",
    ),
    # the group
    path("proposals/<int:pk>/notice/", views.notice, name="notice"),
    # the public
    path("calls/<int:call_pk>/results/", views.public_results, name="results"),
    path("calls/<int:call_pk>/presentation/", views.public_schedule, name="schedule"),
]
