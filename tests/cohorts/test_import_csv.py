"""The students CSV import takes what a school exports, says what it recognised, and answers
every bad file with a message (never a 500, never a partial import)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from curiouslab.accounts.models import Invitation, Role

pytestmark = pytest.mark.django_db


def _post(client, enrolment, content: bytes, name="eleves.csv", declared="text/csv"):
    return client.post(
        f"/cohorts/enrolments/{enrolment.pk}/import/",
        {"file": SimpleUploadedFile(name, content, declared)},
    )


def _confirm(client, enrolment, response):
    token = response.context["token"]
    assert token, response.content.decode()
    return client.post(
        f"/cohorts/enrolments/{enrolment.pk}/import/", {"confirm": "1", "rows": token}
    )


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("content", "encoding", "declared"),
    [
        (
            "Nom;Prénom;Courriel;Discipline;Niveau\r\n"
            "Haddad;Inès Marie;ines@example.org;Design;M1\r\n"
            "Girard;Paul;paul@example.org;Ingénierie;M1\r\n",
            "cp1252",
            "application/vnd.ms-excel",  # what Windows announces for a .csv
        ),
        (
            "NOM;PRENOM;COURRIEL;FILIÈRE;CLASSE\n"
            "Haddad;Inès Marie;ines@example.org;design;M1\n"
            "Girard;Paul;paul@example.org;ingénierie;M1\n",
            "utf-8-sig",
            "text/csv",
        ),
        (
            "Nom Prénom,Adresse e-mail,Spécialité,Niveau\n"
            "HADDAD Inès Marie,ines@example.org,design,M1\n"
            "GIRARD Paul,paul@example.org,ingénierie,M1\n",
            "utf-8",
            "text/csv",
        ),
        (
            "Prénom\tNom\tE-mail\tDiscipline\n"
            "Inès Marie\tHaddad\tines@example.org\tdesign\n"
            "Paul\tGirard\tpaul@example.org\tingénierie\n",
            "utf-8",
            "text/plain",
        ),
    ],
    ids=["excel-cp1252-semicolons", "capitals-no-accents-bom", "joined-name-commas", "tabs"],
)
def test_a_school_export_is_recognised_and_imported(setup, login, content, encoding, declared):
    client = login(setup.referent)
    response = _post(client, setup.enrolment, content.encode(encoding), declared=declared)
    body = _text(response)
    assert response.status_code == 200, body
    assert "Colonnes reconnues dans votre fichier" in body
    assert "adresse e-mail" in body and "discipline" in body
    assert "2 étudiants sont prêts à être invités" in body
    assert _confirm(client, setup.enrolment, response).status_code == 302
    ines = Invitation.objects.get(email="ines@example.org")
    assert (ines.first_name, ines.last_name, ines.discipline) == (
        "Inès Marie",
        ines.last_name,
        "design",
    )
    assert ines.last_name.lower() == "haddad"
    paul = Invitation.objects.get(email="paul@example.org")
    assert (paul.first_name, paul.last_name, paul.discipline) == (
        "Paul",
        paul.last_name,
        "ingénierie",
    )
    assert paul.last_name.lower() == "girard"


def test_unknown_columns_are_named_and_missing_ones_explained(setup, login):
    client = login(setup.referent)
    response = _post(client, setup.enrolment, "Nom;Prénom;Téléphone\nA;B;06\n".encode())
    body = _text(response)
    assert response.status_code == 400
    assert "Colonnes manquantes : adresse e-mail, discipline." in body
    response = _post(
        client,
        setup.enrolment,
        "Élève;Courriel;Discipline;Téléphone\nInès Haddad;i@example.org;design;06\n".encode(),
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Colonne ignorée : Téléphone." in body
    assert "<strong>Élève</strong> → prénom et nom" in body


def test_template_downloads_and_imports_back(setup, login):
    client = login(setup.referent)
    response = client.get(f"/cohorts/enrolments/{setup.enrolment.pk}/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "modele-eleves.csv" in response["Content-Disposition"]
    content = response.content
    assert content.decode("utf-8-sig").splitlines()[0] == "Nom;Prénom;Courriel;Discipline;Niveau"
    response = _post(client, setup.enrolment, content)
    assert response.status_code == 200
    assert "1 étudiant est prêt à être invité" in _text(response)
    # The import page links to it.
    page = client.get(f"/cohorts/enrolments/{setup.enrolment.pk}/import/").content.decode()
    assert f'href="/cohorts/enrolments/{setup.enrolment.pk}/import/template.csv"' in page


HEADER = "Nom;Prénom;Courriel;Discipline\n"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        # 0x81 and 0x8D are invalid in UTF-8 and undefined in cp1252.
        (
            HEADER.encode() + b"Haddad;In\x81s;ines@example.org;design\n" + b"\x8d" * 9000,
            "CSV UTF-8",
        ),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "CSV UTF-8"),
        (b"<html><script>alert(1)</script></html>", "n'est pas un type de fichier accepté"),
        (
            HEADER.encode() + b"Had\x00dad;Ines;i@example.org;design\n",
            "La ligne 2 contient un caractère NUL",
        ),
        (
            (HEADER + "Haddad;" + "x" * (130 * 1024) + ";ines@example.org;design\n").encode(),
            "La ligne 2 du fichier est illisible",
        ),
        (
            (HEADER + "Haddad;Inès;ines@example.org;design\n" * 2001).encode(),
            "2000 étudiants au maximum par fichier",
        ),
        (("Haddad;" + "x" * 20000 + "\n").encode(), "Colonnes manquantes"),
        (b"", "vide"),
    ],
    ids=[
        "invalid-in-utf8-and-cp1252",
        "binary",
        "html",
        "nul",
        "cell-over-128-kib",
        "too-many",
        "no-header",
        "empty",
    ],
)
def test_bad_file_gets_a_message_and_imports_nothing(setup, login, content, says):
    response = _post(login(setup.referent), setup.enrolment, content)
    assert response.status_code == 400
    assert says in _text(response)
    assert not Invitation.objects.filter(role=Role.STUDENT).exists()


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (f"{'H' * 151};Inès;ines@example.org;design", "Le champ « nom » dépasse 150 caractères."),
        ("Haddad;Inès;ines@example.org;design;" + "M" * 41, "« niveau » dépasse 40 caractères"),
        ("Haddad;In\x07ès;ines@example.org;design", "« prénom » contient un caractère de contrôle"),
    ],
)
def test_cells_are_validated_like_form_fields(setup, login, row, says):
    content = ("Nom;Prénom;Courriel;Discipline;Niveau\n" + row + "\n").encode()
    response = _post(login(setup.referent), setup.enrolment, content)
    assert response.status_code == 400
    assert says in _text(response)
    assert 'name="confirm"' not in response.content.decode()
    assert not Invitation.objects.filter(role=Role.STUDENT).exists()
