"""Matrix rows of the shared core, allauth's pages and the admin."""

from curiouslab.accounts.models import Invitation
from tests.matrix import ANON_LOGIN, Row

EVERYONE_OK = {"default": 200}
SIGNED_IN_ONLY = {"anonymous": ANON_LOGIN, "default": 200}
# allauth: pages for visitors send signed-in people home, and the other way round.
VISITOR_PAGE = {"anonymous": 200, "default": 302}


def build(world):
    world.objects["invitation_a"] = Invitation.objects.create(
        email="new.person@example.org",
        organisation=world.a.municipality,
        role="municipal_staff",
        invited_by=world.a.people["coordinator"],
        expires_at="2999-01-01T00:00:00Z",
    )


ROWS = {
    "home": Row(EVERYONE_OK),
    "healthz": Row(EVERYONE_OK),
    "accessibility": Row(EVERYONE_OK),
    # The referential is public data: its commune search answers everyone.
    "territories:commune_search": Row(EVERYONE_OK, query="commune_q=antony"),
    # Django's set_language answers a GET with a redirect and does the work on POST.
    "set_language": Row({"default": 302}),
    "account_login": Row(VISITOR_PAGE),
    "account_logout": Row({"anonymous": 302, "default": 200}),
    "account_inactive": Row(EVERYONE_OK),
    # Public sign-up is closed: everyone gets the "sign-up closed" page or is sent home.
    "account_signup": Row(VISITOR_PAGE),
    "account_reauthenticate": Row(SIGNED_IN_ONLY),
    "account_email": Row(SIGNED_IN_ONLY),
    "account_email_verification_sent": Row(EVERYONE_OK),
    "account_change_password": Row(SIGNED_IN_ONLY),
    "account_set_password": Row({"anonymous": ANON_LOGIN, "default": 302}),
    "account_reset_password": Row(EVERYONE_OK),
    "account_confirm_login_code": Row({"default": 302}),
    # Reauthentication by e-mailed code (allauth 65.22): off here, since sign-in by code is off.
    "account_request_reauthentication_code": Row({"anonymous": ANON_LOGIN, "default": 302}),
    "account_confirm_reauthentication_code": Row({"anonymous": ANON_LOGIN, "default": 302}),
    "account_confirm_email": Row(EVERYONE_OK, kwargs=lambda w: {"key": "not-a-real-key"}),
    "account_reset_password_from_key_done": Row(EVERYONE_OK),
    "account_reset_password_from_key": Row(
        EVERYONE_OK, kwargs=lambda w: {"uidb36": "1", "key": "not-a-real-key"}
    ),
    "account_reset_password_done": Row(EVERYONE_OK),
    # ProConnect (allauth's social accounts): the sign-in starts by a POST, which sends
    # everyone to ProConnect (here: no provider configured, a 404); its callback without a
    # code is allauth's error page; sign-up through it is closed.
    "proconnect_login": Row(
        {"default": 404}, kwargs=lambda w: {"provider_id": "proconnect"}, method="post"
    ),
    "proconnect_callback": Row({"default": 404}, kwargs=lambda w: {"provider_id": "proconnect"}),
    "socialaccount_connections": Row(SIGNED_IN_ONLY),
    "socialaccount_login_cancelled": Row(EVERYONE_OK),
    "socialaccount_login_error": Row({"default": 401}),  # allauth answers its error page so
    "socialaccount_signup": Row({"default": 302}),
    # allauth's old addresses of the same pages, kept as permanent redirects.
    "<unnamed social/connections/>": Row({"default": 301}, path="/accounts/social/connections/"),
    "<unnamed social/login/cancelled/>": Row(
        {"default": 301}, path="/accounts/social/login/cancelled/"
    ),
    "<unnamed social/login/error/>": Row({"default": 301}, path="/accounts/social/login/error/"),
    "<unnamed social/signup/>": Row({"default": 301}, path="/accounts/social/signup/"),
    "mfa_index": Row(SIGNED_IN_ONLY),
    "mfa_authenticate": Row({"default": 302}),
    "mfa_reauthenticate": Row({"anonymous": ANON_LOGIN, "default": 302}),
    # Setting up a second factor asks to confirm the password first (reauthentication).
    "mfa_activate_totp": Row({"anonymous": ANON_LOGIN, "default": 302}),
    # Pages about an authenticator the persona does not have yet answer 404.
    "mfa_deactivate_totp": Row({"anonymous": ANON_LOGIN, "default": 404}),
    "mfa_view_recovery_codes": Row({"anonymous": ANON_LOGIN, "default": 404}),
    "mfa_generate_recovery_codes": Row({"anonymous": ANON_LOGIN, "default": 302}),
    "mfa_download_recovery_codes": Row({"anonymous": ANON_LOGIN, "default": 404}),
    "accounts:profile": Row(SIGNED_IN_ONLY),
    "accounts:invitation_list": Row(
        {
            "anonymous": ANON_LOGIN,
            "coordinator": 200,
            "other_coordinator": 200,
            "municipal_staff": 200,
            "other_municipal_staff": 200,
            "school_referent": 200,
            "other_school_referent": 200,
            "default": 403,
        }
    ),
    # Revoking side A's invitation: only its coordinator and its municipality's staff.
    "accounts:invitation_revoke": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 302, "municipal_staff": 302, "default": 404},
        kwargs=lambda w: {"pk": w["invitation_a"].pk},
        method="post",
    ),
    # The token is the secret: anyone holding the link sees the invitation; a signed-in
    # account that does not own the invited address is told so (and offered to sign out).
    "accounts:invitation_accept": Row(
        {"anonymous": 200, "default": 403}, kwargs=lambda w: {"token": w["invitation_a"].token}
    ),
    "accounts:audit_log": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "other_coordinator": 200, "default": 403}
    ),
    # Every admin page: staff only; everyone else is sent to the admin sign-in.
    "admin:*": Row({"default": 302}, query=""),
}
