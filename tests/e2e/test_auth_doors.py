"""Doors of trust, clicked through: the admin's sign-in is allauth's (with the second factor),
and an invitation opened while signed in with another account explains itself and offers to
sign out."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from curiouslab.accounts.models import Invitation, Membership, OrganisationKind, Role, User
from tests.e2e.conftest import fill_sign_in
from tests.factories import OrganisationFactory, member

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def departement():
    return OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")


def test_admin_sign_in_goes_through_allauth_and_asks_for_the_code(page, departement):
    staff = member(Role.COORDINATOR, departement, email="claire@example.org", first_name="Claire")
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    TOTP.activate(staff, SECRET)

    page.goto("/admin/")  # the admin has no link: its address is a secret in production
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    fill_sign_in(page, staff.email)
    code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
    page.get_by_label(re.compile("Code", re.I)).fill(code)
    page.get_by_role("button", name=re.compile("Se connecter|Connexion|Valider|Confirmer")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()


def test_invitation_opened_with_another_account_offers_to_sign_out(page, departement):
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, territory=departement)
    student = member(Role.STUDENT, school, email="lea@example.org", first_name="Léa")
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    invitation = Invitation.objects.create(
        email="nouveau.coordinateur@example.org",
        organisation=departement,
        role=Role.COORDINATOR,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    fill_sign_in(page, student.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")

    # The link from the e-mail, opened in the browser where Léa is signed in.
    page.goto(f"/me/invitations/accept/{invitation.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cette invitation est destinée à un autre compte"
    )
    expect(page.get_by_text("nouveau.coordinateur@example.org")).to_be_visible()
    expect(page.get_by_role("button", name="Accepter l'invitation")).to_have_count(0)
    page.get_by_role("button", name="Me déconnecter et revenir à cette invitation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes invité")
    page.get_by_label("Prénom").fill("Nora")
    page.get_by_label("Nom", exact=False).nth(1).fill("Petit")
    page.get_by_label("Mot de passe", exact=False).first.fill("un mot de passe solide")
    page.get_by_label("Mot de passe (confirmation)").fill("un mot de passe solide")
    page.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nora")

    assert not Membership.objects.filter(user=student, role=Role.COORDINATOR).exists()
    newcomer = User.objects.get(email="nouveau.coordinateur@example.org")
    assert Membership.objects.filter(user=newcomer, role=Role.COORDINATOR).exists()
    # The explanation is answered with 403 (Forbidden), which Chromium logs; nothing else.
    assert [e for e in page.console_errors if "status of 403" not in e] == []
