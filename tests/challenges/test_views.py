import pytest
from django.urls import reverse

from challenges import services
from challenges.models import Challenge, ChallengeStatus
from curiouslab.accounts.models import Role
from tests.challenges.factories import ChallengeFactory, on_side, submitted
from tests.factories import member

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- The municipality's list and form ------------------------------------------------------


def test_my_challenges_lists_the_whole_municipality_and_nothing_else(world, login, staff):
    colleague = member(Role.MUNICIPAL_STAFF, world.a.municipality)
    ChallengeFactory(**on_side(world.a), title="Défi de ma collègue", created_by=colleague)
    ChallengeFactory(**on_side(world.b), title="Défi d'une autre commune")
    response = login(staff).get(reverse("challenges:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mes défis" in html
    assert "Défi de ma collègue" in html
    assert "Défi d&#x27;une autre commune" not in html and "autre commune" not in html


def test_my_challenges_is_forbidden_to_coordinators(world, login, coordinator):
    assert login(coordinator).get(reverse("challenges:list")).status_code == 403


def test_challenge_form_shows_french_help_text(world, login, staff):
    response = login(staff).get(reverse("challenges:create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quelques mots qui nomment le défi" in html
    assert "Enregistrer le brouillon" in html


def _form_data(world, **overrides):
    data = {
        "municipality": world.a.municipality.pk,
        "call": world.a.cohort.pk,
        "title": "Kiosque citoyen",
        "question": "Comment informer les habitants des projets de leur quartier ?",
        "theme": "democratie_locale",
        "territory": "Quartier du Parc",
        "stakes": "Les habitants découvrent les travaux au dernier moment.",
        "users_concerned": "Habitants, commerçants.",
        "expected_outcome": "Un kiosque prototype.",
        "staff_contact": "Léa Roux, démocratie locale",
    }
    data.update(overrides)
    return data


def test_challenge_create_with_missing_fields_shows_errors_and_saves_nothing(world, login, staff):
    response = login(staff).post(
        reverse("challenges:create"), _form_data(world, title="", question="")
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Challenge.objects.exists()


def test_challenge_create_saves_a_draft(world, login, staff):
    response = login(staff).post(reverse("challenges:create"), _form_data(world, stakes=""))
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("challenges:edit", kwargs={"pk": challenge.pk})
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.municipality == world.a.municipality


def test_challenge_create_and_submit_in_one_go(world, login, staff):
    login(staff).post(reverse("challenges:create"), {**_form_data(world), "submit": "1"})
    assert Challenge.objects.get().status == ChallengeStatus.SUBMITTED


def test_challenge_create_and_submit_incomplete_keeps_the_draft_and_says_why(world, login, staff):
    response = login(staff).post(
        reverse("challenges:create"), {**_form_data(world, stakes=""), "submit": "1"}, follow=True
    )
    assert Challenge.objects.get().status == ChallengeStatus.DRAFT
    assert any("Remplissez ces champs" in m and "enjeux" in m for m in _messages(response))


def test_challenge_create_for_another_programme_is_refused(world, login, staff):
    response = login(staff).post(
        reverse("challenges:create"), _form_data(world, call=world.b.cohort.pk)
    )
    assert response.status_code == 400
    assert not Challenge.objects.exists()


def test_script_payload_is_escaped_on_every_page(world, login, staff, coordinator):
    payload = "<script>alert('x')</script>"
    challenge = submitted(**on_side(world.a), title=f"Défi {payload}", stakes=payload)
    services.challenge_comment_add(challenge=challenge, actor=staff, body=payload)
    for user, url in [
        (staff, reverse("challenges:detail", kwargs={"pk": challenge.pk})),
        (staff, reverse("challenges:list")),
        (staff, reverse("challenges:edit", kwargs={"pk": challenge.pk})),
        (coordinator, reverse("challenges:review_queue")),
        (coordinator, reverse("challenges:detail", kwargs={"pk": challenge.pk})),
    ]:
        html = login(user).get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_edit_of_another_municipality_challenge_is_404(world, login):
    challenge = ChallengeFactory(**on_side(world.a))
    response = login(world.b.people["municipal_staff"]).get(
        reverse("challenges:edit", kwargs={"pk": challenge.pk})
    )
    assert response.status_code == 404


def test_edit_after_submission_creates_a_version_the_coordinator_sees(
    world, login, staff, coordinator
):
    challenge = ChallengeFactory(**on_side(world.a))
    services.challenge_submit(challenge=challenge, actor=staff)
    data = _form_data(
        world, title=challenge.title, question=challenge.question, theme="sports_loisirs"
    )
    data["stakes"] = "Un nouvel enjeu très précis."
    login(staff).post(reverse("challenges:edit", kwargs={"pk": challenge.pk}), data)
    html = (
        login(coordinator)
        .get(reverse("challenges:detail", kwargs={"pk": challenge.pk}))
        .content.decode()
    )
    assert "Modifications depuis le dernier examen" in html
    assert "<ins>Un nouvel enjeu très précis.</ins>" in html or "<ins>Un" in html
    staff_html = (
        login(staff).get(reverse("challenges:detail", kwargs={"pk": challenge.pk})).content.decode()
    )
    assert "Modifications depuis le dernier examen" not in staff_html


def test_changes_requested_challenge_is_saved_and_resubmitted_from_the_form(
    world, login, staff, coordinator
):
    challenge = ChallengeFactory(**on_side(world.a))
    services.challenge_submit(challenge=challenge, actor=staff)
    services.challenge_request_changes(
        challenge=challenge, actor=coordinator, message="Précisez les usagers."
    )
    client = login(staff)
    url = reverse("challenges:edit", kwargs={"pk": challenge.pk})
    form_page = client.get(url).content.decode()
    assert "Enregistrer le brouillon" not in form_page  # it is no longer a draft
    assert "Enregistrer et soumettre à nouveau" in form_page
    data = _form_data(
        world, title=challenge.title, question=challenge.question, theme="sports_loisirs"
    )
    data["users_concerned"] = "Les familles et les maîtres-nageurs."
    data["resubmit"] = "1"
    response = client.post(url, data, follow=True)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.RESUBMITTED
    assert challenge.users_concerned == "Les familles et les maîtres-nageurs."
    assert any("soumis à nouveau" in m for m in _messages(response))


# --- Detail: who sees what ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "draft_status", "submitted_status"),
    [
        ("municipal_staff", 200, 200),
        ("coordinator", 404, 200),  # nobody but the municipality sees drafts
        ("other_municipal_staff", 404, 404),
        ("other_coordinator", 404, 404),
        ("school_referent", 404, 404),
        ("juror", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_challenge_detail_by_persona(world, login, persona, draft_status, submitted_status):
    draft = ChallengeFactory(**on_side(world.a))
    pending = submitted(**on_side(world.a))
    client = login(world.persona(persona))
    assert (
        client.get(reverse("challenges:detail", kwargs={"pk": draft.pk})).status_code
        == draft_status
    )
    response = client.get(reverse("challenges:detail", kwargs={"pk": pending.pk}))
    assert response.status_code == submitted_status
    if submitted_status == 200:
        assert pending.title in response.content.decode()


def test_review_page_shows_history_comments_and_decision_buttons(world, login, staff, coordinator):
    challenge = submitted(**on_side(world.a))
    services.challenge_comment_add(challenge=challenge, actor=staff, body="Nous avons des photos.")
    html = (
        login(coordinator)
        .get(reverse("challenges:detail", kwargs={"pk": challenge.pk}))
        .content.decode()
    )
    assert "Historique" in html and "Soumis" in html
    assert "Nous avons des photos." in html
    assert "Accepter" in html and "Demander des modifications" in html and "Refuser" in html
    staff_html = (
        login(staff).get(reverse("challenges:detail", kwargs={"pk": challenge.pk})).content.decode()
    )
    assert "Demander des modifications" not in staff_html
    assert "Retirer le défi" in staff_html


# --- Transitions through the views ---------------------------------------------------------


def _do(client, challenge, action, **data):
    url = reverse("challenges:transition", kwargs={"pk": challenge.pk, "action": action})
    return client.post(url, data, follow=True)


def test_double_submit_is_refused_cleanly(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    client = login(staff)
    first = _do(client, challenge, "submit")
    second = _do(client, challenge, "submit")
    assert first.status_code == second.status_code == 200
    assert "Le défi a été soumis à la coordination." in _messages(first)
    assert "Ce défi a déjà été soumis." in _messages(second)
    assert challenge.transitions.count() == 1


def test_decline_without_message_is_refused_and_changes_nothing(world, login, coordinator):
    challenge = submitted(**on_side(world.a))
    response = _do(login(coordinator), challenge, "decline", message="")
    assert "Écrivez à la commune un message qui explique pourquoi." in _messages(response)
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.SUBMITTED


def test_two_coordinators_deciding_at_once_second_gets_a_clear_message(world, login, coordinator):
    challenge = submitted(**on_side(world.a))
    colleague = member(Role.COORDINATOR, world.a.departement)
    _do(login(coordinator), challenge, "accept")
    response = _do(login(colleague), challenge, "decline", message="Trop vague")
    assert any("Quelqu'un a déjà statué sur ce défi" in m for m in _messages(response))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.ACCEPTED


def test_request_changes_message_is_shown_to_the_municipality(world, login, staff, coordinator):
    challenge = submitted(**on_side(world.a))
    _do(login(coordinator), challenge, "request_changes", message="Précisez le <b>budget</b>.")
    html = (
        login(staff).get(reverse("challenges:detail", kwargs={"pk": challenge.pk})).content.decode()
    )
    assert "Précisez le &lt;b&gt;budget&lt;/b&gt;." in html
    assert "Soumettre à nouveau" in html


def test_unknown_action_is_404(world, login, staff):
    challenge = ChallengeFactory(**on_side(world.a))
    url = reverse("challenges:transition", kwargs={"pk": challenge.pk, "action": "explode"})
    assert login(staff).post(url).status_code == 404


def test_municipality_may_not_accept_its_own_challenge(world, login, staff):
    challenge = submitted(**on_side(world.a))
    url = reverse("challenges:transition", kwargs={"pk": challenge.pk, "action": "accept"})
    assert login(staff).post(url).status_code == 403
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.SUBMITTED


# --- Review queue ---------------------------------------------------------------------------


def test_review_queue_shows_submitted_challenges_of_my_programmes_only(world, login, coordinator):
    submitted(**on_side(world.a), title="Soumis chez A")
    ChallengeFactory(**on_side(world.a), title="Brouillon chez A")
    submitted(**on_side(world.b), title="Soumis chez B")
    html = login(coordinator).get(reverse("challenges:review_queue")).content.decode()
    assert "Soumis chez A" in html
    assert "Brouillon chez A" not in html
    assert "Soumis chez B" not in html


def test_review_queue_filters(world, login, coordinator):
    other_town = member(Role.MUNICIPAL_STAFF, world.a.municipality)  # noqa: F841
    submitted(**on_side(world.a), title="Marché durable", theme="economie")
    submitted(**on_side(world.a), title="Piscine", theme="sports_loisirs", status="accepted")
    client = login(coordinator)
    url = reverse("challenges:review_queue")

    def titles(**query):
        page = client.get(url, query).context["page"]
        return sorted(c.title for c in page)

    assert titles(theme="economie") == ["Marché durable"]
    assert titles(status="accepted") == ["Piscine"]
    assert titles(municipality=world.a.municipality.pk) == ["Marché durable"]  # to review
    assert titles(municipality=world.a.municipality.pk, status="all") == [
        "Marché durable",
        "Piscine",
    ]
    assert titles(year=world.a.cohort.year, status="all") == ["Marché durable", "Piscine"]
    assert titles(year=world.a.cohort.year + 5, status="all") == []
    assert titles(q="marché") == ["Marché durable"]
    assert titles(q="piscine", status="all") == ["Piscine"]
    assert titles(q="piscine marché", status="all") == []


def test_review_queue_opens_on_what_needs_action(world, login, coordinator):
    for title, status in [
        ("Accepté", "accepted"),
        ("Soumis", "submitted"),
        ("Refusé", "declined"),
        ("Soumis à nouveau", "resubmitted"),
        ("Modifications demandées", "changes_requested"),
    ]:
        submitted(**on_side(world.a), title=title, status=status)
    client = login(coordinator)
    url = reverse("challenges:review_queue")
    response = client.get(url)
    assert sorted(c.title for c in response.context["page"]) == ["Soumis", "Soumis à nouveau"]
    body = response.content.decode()
    assert 'aria-current="page" href="/challenges/review/">À examiner</a>' in body
    assert 'href="/challenges/review/?status=all">Tous les défis</a>' in body
    # One click away: every state, what needs action first.
    everything = [c.title for c in client.get(url, {"status": "all"}).context["page"]]
    assert sorted(everything[:2]) == ["Soumis", "Soumis à nouveau"]
    assert sorted(everything[2:]) == ["Accepté", "Modifications demandées", "Refusé"]
    # Nothing to review: the page says so and offers the rest.
    Challenge.objects.filter(status__in=["submitted", "resubmitted"]).update(status="accepted")
    body = client.get(url).content.decode()
    assert "Aucun défi n'attend d'examen." in body


def test_nav_items_by_role(world, login, staff, coordinator):
    assert "Mes défis" in login(staff).get(reverse("home")).content.decode()
    html = login(coordinator).get(reverse("home")).content.decode()
    assert "Défis à examiner" in html and "Mes défis" not in html
