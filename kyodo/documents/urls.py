from django.urls import path

from kyodo.documents import registry, views

app_name = "documents"
# One pattern per document type (named after it), so the authorization matrix pins who may
# have each; a new type gets its URL here without an edit.
urlpatterns = [
    path(
        f"documents/{key}/<int:pk>/<str:fmt>/",
        views.download,
        {"key": key},
        name=key,
    )
    for key in (t.key for t in registry.all_types())
] + [
    path("forms/", views.forms, name="forms"),
    path("forms/<str:key>/<str:fmt>/", views.blank, name="blank"),
    path("documents/committee-pack/<int:call_pk>/", views.committee_pack, name="committee_pack"),
    path("documents/dossier/<int:pk>/", views.dossier, name="dossier"),
    path("documents/bundles/<int:pk>/", views.bundle, name="bundle"),
    path("documents/bundles/<int:pk>/file/", views.bundle_file, name="bundle_file"),
]
