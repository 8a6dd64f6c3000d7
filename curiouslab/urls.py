from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from curiouslab import views as project_views
from curiouslab.accounts import views as account_views

# The admin is no side door: its sign-in page sends visitors to allauth's (rate limits, second
# factor), and refuses signed-in people who are not staff (allauth's documented recipe). Staff
# without TOTP are sent to set it up in production (CoordinatorSecurityMiddleware).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", project_views.healthz, name="healthz"),
    path("accessibilite/", project_views.accessibility_statement, name="accessibility"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("curiouslab.accounts.urls")),
    path("territoires/", include("territories.urls")),
    path("challenges/", include("challenges.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("sessions/", include("sessions.urls")),
    path("jury/", include("trophies.urls")),
    path("appels/", include("calls.urls")),
    path("", include("documents.urls")),
    path("", include("privacy.urls")),
    path("", include("onboarding.urls")),
    path("", include("commons.urls")),
    path("sprints/", include("sprints.urls")),
    path("", include("opendata.urls")),
    path(f"{settings.ADMIN_URL}", admin.site.urls),
]

handler400 = "curiouslab.views.bad_request"
handler403 = "curiouslab.views.permission_denied"
handler404 = "curiouslab.views.page_not_found"
handler500 = "curiouslab.views.server_error"
