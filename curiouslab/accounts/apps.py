from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "curiouslab.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added, authenticator_removed  # noqa: PLC0415 -- ready(): the app registry is complete only now
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415 -- ready(): the app registry is complete only now

        import curiouslab.site  # noqa: PLC0415,F401 - registers the SITE_URL system check
        from curiouslab.accounts import checks  # noqa: PLC0415,F401 - registers the deploy checks
        from curiouslab.accounts.middleware import forget_totp, start_idle_clock  # noqa: PLC0415 -- ready(): the app registry is complete only now

        user_logged_in.connect(start_idle_clock, dispatch_uid="curiouslab-idle-clock")
        authenticator_added.connect(forget_totp, dispatch_uid="curiouslab-totp-added")
        authenticator_removed.connect(forget_totp, dispatch_uid="curiouslab-totp-removed")
