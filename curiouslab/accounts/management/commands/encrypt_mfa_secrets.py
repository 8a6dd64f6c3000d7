"""python manage.py encrypt_mfa_secrets — store every TOTP secret and recovery-code seed
encrypted with the first key of MFA_ENCRYPTION_KEY: secrets kept in clear before encryption
was turned on are encrypted, and secrets encrypted with an older key are re-encrypted (the
second step of a key rotation, see README). Idempotent."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from curiouslab.accounts.adapter import ENCRYPTED_PREFIX, MFAAdapter, mfa_fernet

# The fields of an authenticator's data that allauth passes through the adapter's encrypt().
SECRET_FIELDS = ("secret", "seed")


class Command(BaseCommand):
    help = "Encrypt (or re-encrypt with the newest key) the stored TOTP secrets."

    def handle(self, *args, **options):
        adapter, fernet = MFAAdapter(), mfa_fernet()
        changed = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
                data = dict(authenticator.data)
                for name in SECRET_FIELDS:
                    value = data.get(name)
                    if not isinstance(value, str):
                        continue
                    if value.startswith(ENCRYPTED_PREFIX):
                        token = value.removeprefix(ENCRYPTED_PREFIX).encode()
                        data[name] = ENCRYPTED_PREFIX + fernet.rotate(token).decode()
                    else:
                        data[name] = adapter.encrypt(value)
                if data != authenticator.data:
                    authenticator.data = data
                    authenticator.save(update_fields=["data"])
                    changed += 1
        self.stdout.write(f"{changed} authenticator(s) written with the current key.")
