"""The jury in a browser: a juror scores on a phone (HTMX saves on change, conflicts of
interest), then the coordinator follows the vote live, closes it and reads the ranking."""

from __future__ import annotations

import re

import pytest

from curiouslab.accounts.models import Membership, OrganisationKind, Role
from tests.e2e.conftest import sign_in, verified
from tests.factories import (
    CohortFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    member,
)
from tests.trophies.factories import ClosingSessionFactory, juror, ready_jury
from trophies.models import AwardCategory, ConflictDeclaration, Jury, JuryStatus, Score

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    cohort = CohortFactory(programme=ProgrammeFactory(organisation=departement))
    coordinator = verified(
        member(Role.COORDINATOR, departement, email="coordinator@example.org", first_name="Claire")
    )
    jury, _members, finalists, crits = ready_jury(
        cohort, jurors=0, finalists=4, weights=(2, 1, 1), name="Jury des Trophées"
    )
    seat = juror(
        jury,
        verified(UserFactory(email="jure@example.org", first_name="Jules", last_name="Rivière")),
    )
    other = juror(jury, UserFactory(first_name="Odile", last_name="Bernard"))
    # The juror also works for the municipality of the third project: a conflict of interest.
    Membership.objects.create(
        user=seat.user,
        organisation=finalists[2].challenge.municipality,
        role=Role.MUNICIPAL_STAFF,
    )
    return jury, coordinator, seat, other, finalists, crits


def card(page, finalist):
    return page.locator(f"#finalist-{finalist.pk}")


def tap_mark(page, finalist, criterion, value: int) -> None:
    page.locator(f"label[for='m{finalist.pk}-{criterion.pk}-{value}']").tap()


def test_juror_scores_on_a_phone_then_coordinator_closes_the_vote(page, phone, setting):
    jury, coordinator, seat, other, finalists, crits = setting
    pertinence, innovation, faisabilite = crits
    f0, f1, f2, f3 = finalists

    # --- The juror, on a phone -----------------------------------------------------------
    sign_in(phone, seat.user.email)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Jules")
    phone.goto("/jury/")
    phone.get_by_role("link", name="Noter les projets").tap()
    expect(phone).to_have_url(re.compile(rf"/jury/{jury.pk}/score/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Jury des Trophées")
    heading = phone.locator("#sheet-progress")
    expect(heading).to_have_text("0 projet complet sur 3")

    # The project of the juror's municipality cannot be scored, and the page says why.
    expect(card(phone, f2)).to_contain_text("Vous ne notez pas ce projet.")
    expect(card(phone, f2)).to_contain_text("membre de la commune du projet")
    expect(card(phone, f2).locator("form.score-form")).to_have_count(0)

    # One mark after the other, each saved at once; the status says what is left.
    status = phone.locator(f"#status-{f0.pk}")
    expect(status).to_have_text(
        "Il manque encore : Pertinence (note), Innovation (note), Faisabilité (note)"
    )
    tap_mark(phone, f0, pertinence, 4)
    expect(status).to_have_text(
        re.compile(r"Enregistré à \d\d:\d\d:\d\d\. Il manque encore : Innovation \(note\), ")
    )
    tap_mark(phone, f0, innovation, 3)
    expect(status).to_have_text(
        re.compile(r"Enregistré à .* Il manque encore : Faisabilité \(note\)\s*$")
    )
    tap_mark(phone, f0, faisabilite, 5)
    expect(status).to_have_text(re.compile(r"^\s*✓ Complète · enregistrée à \d\d:\d\d:\d\d\s*$"))
    # The heading counts the complete project without a reload.
    expect(heading).to_have_text("1 projet complet sur 3")

    # The other projects still say what is missing.
    for other_project in (f1, f3):
        expect(phone.locator(f"#status-{other_project.pk}")).to_have_text(
            "Il manque encore : Pertinence (note), Innovation (note), Faisabilité (note)"
        )

    # Declaring a conflict on the page takes the project off the sheet.
    f3_card = card(phone, f3)
    f3_card.get_by_text("Déclarer un conflit d'intérêts").tap()
    f3_card.get_by_label("Motif").fill("Ma fille est dans l'équipe")
    f3_card.get_by_role("button", name="Je ne noterai pas ce projet").tap()
    expect(phone.get_by_role("status")).to_contain_text(
        f"Votre conflit avec {f3.team.name} est enregistré : vous ne le noterez pas."
    )
    expect(card(phone, f3)).to_contain_text("Vous ne notez pas ce projet.")
    expect(card(phone, f3)).to_contain_text("déclaré : Ma fille est dans l'équipe")
    expect(card(phone, f3).locator("form.score-form")).to_have_count(0)

    # A reload keeps the saved marks.
    phone.reload()
    expect(heading).to_have_text("1 projet complet sur 2")
    expect(phone.locator(f"#m{f0.pk}-{pertinence.pk}-4")).to_be_checked()
    expect(phone.locator(f"#m{f0.pk}-{innovation.pk}-3")).to_be_checked()
    expect(phone.locator(f"#m{f0.pk}-{faisabilite.pk}-5")).to_be_checked()
    expect(phone.locator(f"#status-{f0.pk}")).to_have_text("✓ Complète")
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("Il manque encore : Pertinence")
    assert phone.console_errors == []

    # Each mark is in the database exactly once.
    rows = sorted(
        Score.objects.filter(member=seat).values_list("finalist_id", "criterion_id", "value")
    )
    assert rows == sorted(
        [(f0.pk, pertinence.pk, 4), (f0.pk, innovation.pk, 3), (f0.pk, faisabilite.pk, 5)]
    )
    assert Score.objects.count() == 3
    assert ConflictDeclaration.objects.filter(member=seat, finalist=f3).count() == 1

    # --- The coordinator, on a desktop -----------------------------------------------------
    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    page.goto(f"/jury/{jury.pk}/live/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi du vote en direct")
    progress = page.locator("#live-progress")
    juror_row = progress.get_by_role("row").filter(has_text="Jules Rivière")
    expect(juror_row.get_by_role("cell").nth(1)).to_have_text("1 / 2")
    expect(juror_row.get_by_role("cell").nth(2)).to_have_text(f1.team.name)
    other_row = progress.get_by_role("row").filter(has_text="Odile Bernard")
    expect(other_row.get_by_role("cell").nth(1)).to_have_text("0 / 4")
    # No mark and no ranking while voting is open.
    expect(page.get_by_role("heading", name="Classement")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Rang")).to_have_count(0)

    # The live view refreshes itself (every 5 s): the juror finishes from the phone.
    tap_mark(phone, f1, pertinence, 2)
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("Enregistré à")
    tap_mark(phone, f1, innovation, 2)
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("Faisabilité (note)")
    tap_mark(phone, f1, faisabilite, 2)
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("✓ Complète")
    expect(juror_row.get_by_role("cell").nth(1)).to_have_text("2 / 2", timeout=12_000)
    expect(juror_row.get_by_role("cell").nth(0)).to_contain_text("terminé")
    expect(juror_row.get_by_role("cell").nth(2)).to_have_text("—")
    expect(page.get_by_role("heading", name="Classement")).to_have_count(0)

    # Asking for the results while voting is open leads back to the live view.
    page.goto(f"/jury/{jury.pk}/results/")
    expect(page).to_have_url(re.compile(rf"/jury/{jury.pk}/live/$"))
    expect(page.get_by_role("status")).to_contain_text("Le classement apparaît")

    # Closing the vote asks for a confirmation that names the juror who has not finished.
    page.get_by_role("button", name="Clore le vote").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clore le vote ?")
    expect(page.locator("#incomplete-jurors")).to_contain_text("Odile Bernard")
    expect(page.locator("#incomplete-jurors")).not_to_contain_text("Jules Rivière")
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.OPEN
    page.get_by_role("button", name="Clore le vote malgré tout").click()
    expect(page).to_have_url(re.compile(rf"/jury/{jury.pk}/results/$"))
    expect(page.get_by_role("status")).to_contain_text("Le vote est clos.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultats · Jury des Trophées")
    ranking = page.get_by_role("region", name="Classement")
    expect(ranking.get_by_role("heading", name="Classement")).to_be_visible()
    first = ranking.get_by_role("row").nth(1)
    expect(first.get_by_role("cell").nth(0)).to_have_text("1")
    expect(first.get_by_role("cell").nth(1)).to_contain_text(f0.team.name)
    expect(first.get_by_role("cell").nth(2)).to_have_text("4,00")  # (2×4 + 3 + 5) ÷ 4
    second = ranking.get_by_role("row").nth(2)
    expect(second.get_by_role("cell").nth(0)).to_have_text("2")
    expect(second.get_by_role("cell").nth(1)).to_contain_text(f1.team.name)
    expect(second.get_by_role("cell").nth(2)).to_have_text("2,00")
    jury.refresh_from_db()
    assert jury.status == JuryStatus.CLOSED and jury.closed_at is not None
    assert page.console_errors == []

    # The juror's sheet is now read-only.
    phone.reload()
    expect(
        phone.get_by_text("Le vote est clos : vos notes ne peuvent plus être modifiées.")
    ).to_be_visible()
    expect(phone.locator(f"#m{f0.pk}-{pertinence.pk}-4")).to_be_disabled()
    expect(phone.get_by_role("button", name="Enregistrer")).to_have_count(0)
    assert Score.objects.filter(member=seat).count() == 6
    assert phone.console_errors == []


def test_coordinator_closes_sets_an_award_aside_publishes_and_downloads_the_report(page):
    """From the home page: the audience prize nobody can receive is set aside with a reason,
    the vote closed after a confirmation naming the juror who has not finished, the results
    published and the procès-verbal downloaded, with the reason and a juror's comment."""
    from pypdf import PdfReader

    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    cohort = CohortFactory(programme=ProgrammeFactory(organisation=departement))
    coordinator = verified(
        member(Role.COORDINATOR, departement, email="coordinator@example.org", first_name="Claire")
    )
    session = ClosingSessionFactory(cohort=cohort)
    jury, (done, late), (f1, f2), crits = ready_jury(
        cohort,
        finalists=2,
        weights=(2, 1),
        name="Jury des Trophées",
        audience_award=True,
        closing_session=session,
    )
    type(late.user).objects.filter(pk=late.user_id).update(first_name="Odile", last_name="Bernard")
    AwardCategory.objects.create(jury=jury, name="Grand prix", basis="ranking", position=1)
    AwardCategory.objects.create(jury=jury, name="Prix du public", basis="audience")
    comment = "Une réponse très concrète au besoin de la commune."
    for f, values in ((f1, (5, 4)), (f2, (2, 3))):
        for c, v in zip(crits, values, strict=True):
            Score.objects.create(
                jury=jury, member=done, finalist=f, criterion=c, value=v,
                comment=comment if f == f1 and c == crits[0] else "",
            )  # fmt: skip

    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    page.locator("main").get_by_role("link", name="Jury", exact=True).click()
    page.get_by_role("link", name="Jury des Trophées").click()
    page.get_by_role("link", name="Suivi en direct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi du vote en direct")

    # Reported before the vote closes: the audience prize nobody can receive.
    report = page.get_by_role("region", name="Prix qu'aucun projet ne peut recevoir")
    expect(report).to_contain_text("Prix du public : Personne n'a voté au vote du public.")
    reason = "Pas de vote du public : la séance de clôture se tient après la délibération."
    report.get_by_label("Motif, inscrit au procès-verbal").fill(reason)
    report.get_by_role("button", name="Écarter « Prix du public »").click()
    expect(page.get_by_role("status")).to_contain_text("Le prix « Prix du public » est écarté")
    expect(page.get_by_role("region", name="Prix qu'aucun projet ne peut recevoir")).to_have_count(
        0
    )

    # Closing: the confirmation names the juror who has not finished.
    page.get_by_role("button", name="Clore le vote").click()
    expect(page.locator("#incomplete-jurors")).to_contain_text("Odile Bernard")
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.OPEN
    page.get_by_role("button", name="Clore le vote malgré tout").click()
    expect(page.get_by_role("status")).to_contain_text("Le vote est clos.")
    # Each project's arithmetic and comments open from its line in the ranking (HTMX).
    ranking = page.get_by_role("region", name="Classement")
    # A disclosure button: aria-expanded says whether its panel is open; it closes and opens
    # again without a second request.
    toggle = ranking.get_by_role(
        "button", name=f"Détail du calcul et commentaires · {f1.team.name}"
    )
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#sheet-{f1.pk}")).to_contain_text(comment)
    expect(page.locator(f"#sheet-{f1.pk}")).to_contain_text("(2×5,00 + 1×4,00) ÷ 3 = 4,67")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#sheet-{f1.pk}")).to_be_hidden()
    toggle.focus()
    page.keyboard.press(" ")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#sheet-{f1.pk}")).to_contain_text(comment)
    expect(page).to_have_url(re.compile(rf"/jury/{jury.pk}/results/$"))
    awards = page.get_by_role("region", name="Prix", exact=True)
    expect(awards).to_contain_text(f"Grand prix : {f1.team.name}")
    expect(awards).to_contain_text(f"Prix du public : écarté — {reason}")

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Verrouiller et publier").click()
    expect(page.get_by_role("status")).to_contain_text("Les résultats sont publiés.")
    assert Jury.objects.get(pk=jury.pk).status == JuryStatus.PUBLISHED

    with page.expect_download() as download:
        page.get_by_role("link", name="Procès-verbal de délibération (PDF)").click()
    reader = PdfReader(download.value.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert reason in text
    assert comment in text
    assert page.console_errors == []
