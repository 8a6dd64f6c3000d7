"""Every French catalogue of the project is complete, compiled, and used by default."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "node_modules", ".git"}
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
    if not SKIP.intersection(p.relative_to(ROOT).parts)
)


def _key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_catalogues_found_including_the_core():
    assert ROOT / "locale/fr/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_no_empty_or_fuzzy_entry(path):
    po = polib.pofile(str(path))
    live = [e for e in po if not e.obsolete]
    assert live, f"{path} has no entry"
    fuzzy = [e.msgid for e in live if "fuzzy" in e.flags]
    empty = [e.msgid for e in live if not all(s.strip() for s in _translations(e))]
    assert not fuzzy, f"fuzzy entries in {path}: {fuzzy}"
    assert not empty, f"untranslated entries in {path}: {empty}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_each_message_once(path):
    """Two entries for one message (two branches merged) would leave one translation unused."""
    keys = [_key(e) for e in polib.pofile(str(path)) if not e.obsolete]
    twice = sorted({k[1] for k in keys if keys.count(k) > 1})
    assert not twice, f"messages with two entries in {path}: {twice}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_compiled(path):
    """The .mo next to the .po holds the same translations (run scripts/compile_messages.py)."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing"
    po = {_key(e): _translations(e) for e in polib.pofile(str(path)) if not e.obsolete}
    mo = {_key(e): _translations(e) for e in polib.mofile(str(mo_path)) if e.msgid}
    stale = sorted(k[1] for k, v in po.items() if mo.get(k) != v)
    assert not stale, f"{mo_path} is out of date for: {stale[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "french", "english"),
    [
        ("home", "Curious Lab : des défis locaux", "Curious Lab: local challenges"),
        ("account_login", "Les comptes sont créés sur invitation", "Accounts are created by"),
    ],
)
def test_page_french_by_default_english_after_switch(client, url_name, french, english):
    url = reverse(url_name)
    page = client.get(url).content.decode()
    assert '<html lang="fr">' in page
    assert french in page
    assert "Aller au contenu principal" in page
    assert english not in page
    # The switcher names the other language in that language.
    assert 'value="en" class="btn btn-sm btn-outline-light" lang="en">English</button>' in page

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url

    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    assert english in page
    assert "Skip to main content" in page
    assert french not in page
    assert 'lang="fr">Français</button>' in page


@pytest.mark.django_db
def test_page_back_to_french_after_switch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Curious Lab : des défis locaux" in client.get("/").content.decode()


def test_signed_in_page_in_users_language(world, login):
    """Without the switcher's cookie, a signed-in person sees their own language."""
    student = world.a.people["student"]
    student.language = "en"
    student.save(update_fields=["language"])
    page = login(student).get(reverse("accounts:profile")).content.decode()
    assert "My profile" in page
    assert "Mon profil" not in page
