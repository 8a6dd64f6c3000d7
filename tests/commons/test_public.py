"""Points 2, 3 and 10 of issue 16: the public project page (challenge as written, team and
schools, consenting names, the picked scenario, public files as attachments, awards, Open
Graph and JSON-LD under the strict CSP), the archive's search and filters, the directory of
programmes, and what never reaches them."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from commons.enums import Licence, PublicationStatus
from commons.services import consent_set, publication_propose, publication_set_status
from territories.models import Departement, Region
from tests.cohorts import factories as f
from trophies.models import Award

pytestmark = pytest.mark.usefixtures("media")

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _text(response) -> str:
    return response.content.decode()


def test_project_page_shows_what_is_public_and_nothing_else(world, project, login, publish):
    team = project["team"]
    scenario = f.scenario(team, team.challenge, text="Une halle ouverte le soir.")
    scenario.selected = True
    scenario.save(update_fields=["selected"])
    f.scenario(team, team.challenge, text="Un scénario écarté.")
    Award.objects.create(cohort=team.cohort, category="Prix du public", team=team)
    pub = publish(world, project)
    consent_set(publication=pub, actor=project["alice"], given=True)
    consent_set(publication=pub, actor=project["bob"], given=False)

    response = login(None).get(f"/projets/{pub.slug}/")
    page = _text(response)
    assert team.challenge.question in page
    assert "Antony, 62 000 hab." in page  # the approved commune text
    assert team.name in page and world.a.school.name in page
    assert "Alice Martin" in page and "Bob Durand" not in page
    assert "Une halle ouverte le soir." in page and "Un scénario écarté." not in page
    assert "Prix du public" in page
    assert "public.png" in page and "brouillon.png" not in page
    assert f'<meta property="og:title" content="{team.challenge.title}' in page
    assert f'<meta property="og:url" content="http://testserver/projets/{pub.slug}/"' in page or (
        f"/projets/{pub.slug}/" in re.search(r'og:url" content="([^"]+)"', page).group(1)
    )
    data = json.loads(JSON_LD.search(page).group(1))
    assert data["@type"] == "CreativeWork" and data["name"] == team.challenge.title
    assert [p["name"] for p in data["creator"]] == ["Alice Martin"]
    assert data["license"].startswith("https://www.etalab.gouv.fr/")
    # The page keeps the strict CSP: the JSON-LD is a data block, never run, so it needs
    # neither 'unsafe-inline' nor a nonce.
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_json_ld_cannot_close_its_script_element(world, project, login, publish):
    challenge = project["team"].challenge
    challenge.title = "Le défi </script><script>alert(1)</script>"
    challenge.save(update_fields=["title"])
    pub = publish(world, project)
    page = _text(login(None).get(f"/projets/{pub.slug}/"))
    block = JSON_LD.search(page).group(1)
    assert "</script>" not in block and "<script>alert" not in page
    assert json.loads(block)["name"] == challenge.title


def test_public_files_are_attachments_with_nosniff(world, project, login, publish):
    pub = publish(world, project)
    public = project["public"].files.get()
    private = project["private"].files.get()
    client = login(None)
    response = client.get(f"/projets/{pub.slug}/fichiers/{public.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/projets/{pub.slug}/fichiers/{private.pk}/").status_code == 404


def test_all_rights_reserved_shows_no_file(world, project, login, publish):
    pub = publish(world, project, licence=Licence.ALL_RIGHTS_RESERVED)
    public = project["public"].files.get()
    client = login(None)
    page = _text(client.get(f"/projets/{pub.slug}/"))
    assert "public.png" not in page and "Tous droits réservés" in page
    assert client.get(f"/projets/{pub.slug}/fichiers/{public.pk}/").status_code == 404


def test_unpublished_and_proposed_projects_are_nowhere(world, project, login, publish):
    pub = publish(world, project)
    consent_set(publication=pub, actor=project["alice"], given=True)
    file = project["public"].files.get()
    publication_set_status(
        publication=pub, actor=world.a.people["coordinator"], status=PublicationStatus.UNPUBLISHED
    )
    other = f.team(
        world.a.cohort,
        name="Les Proposés",
        challenge=f.challenge(
            world.a.programme, world.a.municipality, cohort=world.a.cohort, title="Un défi proposé"
        ),
    )
    proposed = publication_propose(team=other, actor=world.a.people["coordinator"], commune_text="")
    client = login(None)
    for slug in (pub.slug, proposed.slug):
        assert client.get(f"/projets/{slug}/").status_code == 404
    assert client.get(f"/projets/{pub.slug}/fichiers/{file.pk}/").status_code == 404
    for url in ("/projets/", "/projets/?q=marché", f"/programmes/{world.a.programme.slug}/"):
        page = _text(client.get(url))
        assert "Réinventer la place du marché" not in page and "Un défi proposé" not in page
        assert "Alice Martin" not in page


def _published(world, *, title, theme="urbanisme", cohort=None, side=None):
    side = side or world.a
    cohort = cohort or side.cohort
    challenge = f.challenge(
        side.programme, side.municipality, cohort=cohort, title=title, theme=theme
    )
    team = f.team(cohort, name=f"Équipe {title[:20]}", challenge=challenge)
    coord, muni = side.people["coordinator"], side.people["municipal_staff"]
    pub = publication_propose(team=team, actor=coord, commune_text="")
    publication_set_status(publication=pub, actor=muni, status=PublicationStatus.APPROVED)
    return publication_set_status(publication=pub, actor=coord, status=PublicationStatus.PUBLISHED)


@pytest.fixture
def archive(world):
    for side in (world.a, world.b):
        cohort = side.cohort
        cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
        cohort.save(update_fields=["closing"])
    region = Region.objects.create(code="11", name="Île-de-France")
    dep = Departement.objects.create(code="92", name="Hauts-de-Seine", region=region)
    world.a.departement.departement = dep
    world.a.departement.save(update_fields=["departement"])
    return {
        "kiosque": _published(world, title="Un kiosque citoyen", theme="democratie_locale"),
        "marche": _published(world, title="Un marché durable", theme="economie"),
        "velo": _published(
            world, title="Le vélo pour tous", theme="transports_mobilite", side=world.b
        ),
    }


def test_archive_search_and_filters(world, archive, login):
    client = login(None)
    page = _text(client.get("/projets/"))
    assert "3 projets" in page
    assert all(t in page for t in ("Un kiosque citoyen", "Un marché durable", "Le vélo pour tous"))
    page = _text(client.get("/projets/?q=kiosque"))
    assert "Un kiosque citoyen" in page and "Un marché durable" not in page
    page = _text(client.get("/projets/?theme=economie"))
    assert "Un marché durable" in page and "Un kiosque citoyen" not in page
    page = _text(client.get("/projets/?departement=92"))
    assert "Un kiosque citoyen" in page and "Le vélo pour tous" not in page
    assert '<option value="92" selected>' in page
    page = _text(client.get(f"/projets/?programme={world.b.programme.slug}"))
    assert "Le vélo pour tous" in page and "Un kiosque citoyen" not in page
    year = world.a.cohort.year
    page = _text(client.get(f"/projets/?year={year}&sort=date"))
    assert "Un kiosque citoyen" in page
    page = _text(client.get("/projets/?year=1999"))
    assert "0 projet" in page
    # Hostile values are ignored, not errors.
    assert client.get("/projets/?year=99999999999&theme=<x>&sort=drop&page=zz").status_code == 200


def test_programme_directory_and_page(world, archive, login):
    client = login(None)
    page = _text(client.get("/programmes/"))
    assert world.a.programme.name in page and world.b.programme.name in page
    page = _text(client.get(f"/programmes/{world.a.programme.slug}/"))
    assert "Un kiosque citoyen" in page and "Le vélo pour tous" not in page
    assert world.a.cohort.school_year in page


def test_public_home_links_the_archive(client):
    page = _text(client.get("/"))
    assert 'href="/projets/"' in page and 'href="/programmes/"' in page


@pytest.mark.parametrize("rows", [1, 8])
def test_public_pages_queries_do_not_grow(world, login, django_assert_num_queries, rows):
    cohort = world.a.cohort
    cohort.closing = timezone.localdate() - datetime.timedelta(days=1)
    cohort.save(update_fields=["closing"])
    pubs = [_published(world, title=f"Projet numéro {i}") for i in range(rows)]
    client = login(None)
    for url, queries in [
        ("/projets/", QUERIES["archive"]),
        ("/projets/?q=projet&theme=urbanisme&sort=relevance", QUERIES["archive"]),
        ("/programmes/", QUERIES["programmes"]),
        (f"/programmes/{world.a.programme.slug}/", QUERIES["programme"]),
        (f"/projets/{pubs[-1].slug}/", QUERIES["project"]),
    ]:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


QUERIES = {"archive": 6, "programmes": 2, "programme": 4, "project": 7}
