from django.urls import include, path

from kyodo.core import views as core_views

urlpatterns = [
    path("", include("kyodo.core.urls")),
    path("", include("kyodo.portal.urls")),
    path("accounts/", include("kyodo.accounts.urls")),
    path("staff/audit/", include("kyodo.audit.urls")),
    path("", include("kyodo.registry.urls")),
    path("", include("kyodo.programmes.urls")),
    path("", include("kyodo.proposals.urls")),
    path("", include("kyodo.review.urls")),
    path("", include("kyodo.projects.urls")),
    path("", include("kyodo.payments.urls")),
    path("", include("kyodo.evaluation.urls")),
    path("", include("kyodo.documents.urls")),
    path("", include("kyodo.surveys.urls")),
    path("", include("kyodo.stats.urls")),
    path("", include("kyodo.booking.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
]

handler403 = "kyodo.core.views.permission_denied"
handler404 = "kyodo.core.views.page_not_found"
handler500 = "kyodo.core.views.server_error"
