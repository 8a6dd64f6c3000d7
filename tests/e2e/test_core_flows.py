"""The flows a person clicks through: sign in, role navigation, language switch, keyboard
access, accepting an invitation."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from curiouslab.accounts.models import Invitation, Membership, OrganisationKind, Role, User
from tests.e2e.conftest import sign_in
from tests.factories import OrganisationFactory, member

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def departement():
    return OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")


@pytest.fixture
def coordinator(departement):
    user = member(
        Role.COORDINATOR,
        departement,
        email="coordinator@example.org",
        first_name="Claire",
        last_name="Martin",
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_sign_in_shows_role_navigation_and_switches_language(page, coordinator):
    sign_in(page, coordinator.email)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Invitations")).to_be_visible()
    expect(nav.get_by_role("link", name="Journal d'audit")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Claire")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Audit log")).to_be_visible()

    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    assert page.console_errors == []


def test_sign_in_with_wrong_password_stays_on_form(page, coordinator):
    sign_in(page, coordinator.email, "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_text("L’adresse e-mail ou le mot de passe sont incorrects.")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def test_student_navigation_has_no_coordinator_items(page, departement):
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, territory=departement)
    student = member(Role.STUDENT, school, email="student@example.org", first_name="Léa")
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    sign_in(page, student.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Accueil")).to_be_visible()
    expect(nav.get_by_role("link", name="Invitations")).to_have_count(0)
    expect(nav.get_by_role("link", name="Journal d'audit")).to_have_count(0)


def test_first_tab_focuses_visible_skip_link(page):
    page.goto("/")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip).not_to_be_in_viewport()  # hidden until focused
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box["width"] > 20 and box["height"] > 10
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_keyboard_focus_visible_on_links_buttons_and_fields(page):
    page.goto("/accounts/login/")
    seen = []
    for _ in range(9):  # the header's links (projects, programmes, sign in), then the form
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                    const e = document.activeElement, s = getComputedStyle(e);
                    return [e.tagName, e.id, s.outlineStyle, parseFloat(s.outlineWidth)];
                }"""
            )
        )
    tags = {tag for tag, *_ in seen}
    assert {"A", "BUTTON", "INPUT"} <= tags, seen
    assert ["INPUT", "id_login"] in [s[:2] for s in seen]
    for tag, ident, style, width in seen:
        assert style == "solid" and width >= 2, (tag, ident, style, width)


def test_accept_invitation_creates_account_and_signs_in(page, coordinator):
    town = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY,
        name="Nanterre",
        territory=coordinator.memberships.get().organisation,
    )
    invitation = Invitation.objects.create(
        email="nouvelle.agente@example.org",
        first_name="Inès",
        last_name="Durand",
        organisation=town,
        role=Role.MUNICIPAL_STAFF,
        invited_by=coordinator,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    page.goto(f"/me/invitations/accept/{invitation.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes invité")
    expect(page.get_by_text("Agent municipal")).to_be_visible()
    expect(page.get_by_label("Prénom")).to_have_value("Inès")
    page.get_by_label("Mot de passe", exact=False).first.fill("un mot de passe solide")
    page.get_by_label("Mot de passe (confirmation)").fill("un mot de passe solide")
    page.get_by_role("button", name="Accepter l'invitation").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Bienvenue ! Vous êtes désormais Agent municipal à Nanterre."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Invitations")).to_be_visible()
    expect(nav.get_by_role("link", name="Journal d'audit")).to_have_count(0)

    user = User.objects.get(email="nouvelle.agente@example.org")
    assert Membership.objects.filter(
        user=user, organisation=town, role=Role.MUNICIPAL_STAFF, is_active=True
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user

    # The new account signs in again with the chosen password.
    page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, user.email, "un mot de passe solide")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Inès")
    assert page.console_errors == []


@pytest.fixture
def demo():
    """The demo's data, as ``make demo`` loads it: real French names, a full cohort."""
    call_command("seed_demo", verbosity=0)


def nav_links(page):
    nav = page.get_by_role("navigation", name="Navigation principale")
    return [
        (a.inner_text().strip(), a.get_attribute("href")) for a in nav.get_by_role("link").all()
    ]


def test_coordinator_menu_is_grouped_by_area_and_reaches_every_page_at_1280(page, demo):
    """The coordinator's dozen entries fit beside the page in one column grouped by area; each
    entry opens its page, and the cohort's tabs and dashboard open from there (the page audit of
    conftest.py then fails on any sideways scroll at 1280 and 390 px and any axe violation)."""
    sign_in(page, "coordinator@example.org", "curiouslab-demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    nav = page.get_by_role("navigation", name="Navigation principale")
    areas = nav.get_by_role("list")
    expect(areas).to_have_count(8)
    for area, entries in [
        ("Défis", ["Défis à examiner"]),
        ("Programmes et équipes", ["Programmes", "Équipes"]),
        ("Séances", ["Mes séances", "Accompagnement"]),
        ("Jury et documents", ["Jury", "Diplômes et trophées"]),
        ("Appels à projets", ["Appels à projets"]),
        ("Les communs", ["Publications", "Archive des projets"]),
        ("Administration", ["Invitations", "Journal d'audit"]),
    ]:
        group = nav.get_by_role("list", name=area)
        expect(group.get_by_role("link")).to_have_text(entries)
    # The header holds on one line: brand, name, sign out and language.
    header = page.get_by_role("banner")
    assert header.bounding_box()["height"] < 70
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    for label, _href in nav_links(page):
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        current = nav.get_by_role("link", name=label, exact=True)
        expect(current).to_have_attribute("aria-current", "page")

    # From the cohorts, the current cohort and each of its tabs.
    nav.get_by_role("link", name="Programmes", exact=True).click()
    page.get_by_role("main").get_by_role("link", name=re.compile("2026-2027")).first.click()
    tabs = page.get_by_role("navigation", name=re.compile("promotion", re.IGNORECASE))
    for tab in ["Tableau de bord", "Défis", "Écoles", "Équipes", "Calendrier"]:
        tabs.get_by_role("link", name=tab, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("2026-2027")
        if tab == "Tableau de bord":  # its attendance figures load after the page (HTMX)
            attendance = page.get_by_role("region", name="Présence")
            expect(attendance.get_by_role("table", name="Par école")).to_be_visible()
    assert page.console_errors == []


def test_phone_menu_folds_and_opens_with_the_keyboard(browser, live_server, demo, page_audit):
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="fr-FR"
    )
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    try:
        sign_in(mobile, "coordinator@example.org", "curiouslab-demo")
        expect(mobile.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
        nav = mobile.get_by_role("navigation", name="Navigation principale")
        audit_link = nav.get_by_role("link", name="Journal d'audit")
        expect(audit_link).to_be_hidden()
        toggle = mobile.get_by_role("button", name="Afficher ou masquer le menu")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.focus()
        mobile.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(audit_link).to_be_visible()
        expect(nav.get_by_role("button", name="Se déconnecter")).to_be_visible()
        expect(nav.get_by_role("button", name="English")).to_be_visible()
        mobile.wait_for_timeout(400)  # the unfolding's transition
        page_audit.capture(mobile)  # the open menu is audited too (contrast, overflow)
        # Tab walks into the menu's links in order.
        mobile.keyboard.press("Tab")
        expect(nav.get_by_role("link", name="Accueil")).to_be_focused()
        audit_link.focus()
        mobile.keyboard.press("Enter")
        expect(mobile.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
        expect(audit_link).to_be_hidden()  # folded again on the new page
    finally:
        phone.close()
