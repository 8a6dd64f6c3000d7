"""Accessibility basics of the base layout and the core pages, checked on the HTML itself:
language, skip link, landmarks, labelled fields, and nothing inline that a strict CSP or an
assistive technology would trip on."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

FIELD_TAGS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.problems: list[str] = []
        self.first_link: dict[str, str | None] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "body":
            self._in_body = True
        if tag == "a" and self._in_body and self.first_link is None:
            self.first_link = attributes
        if tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"])
        if tag in FIELD_TAGS and (
            tag != "input" or attributes.get("type", "text") not in UNLABELLED_INPUT_TYPES
        ):
            self.fields.append({"tag": tag, **attributes})
        for name in attributes:
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
        inline_script = tag == "script" and not attributes.get("src")
        if inline_script and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("inline <style>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def find(self, tag, **wanted):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())
        ]


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


def assert_accessible_basics(html: str) -> None:
    page = audit(html)
    html_tag = page.find("html")
    assert html_tag and html_tag[0].get("lang") in {"fr", "en"}, "html lang"
    # The skip link is the first link of the page and points at <main id="main">.
    assert page.first_link is not None and page.first_link.get("href") == "#main"
    assert len(page.find("main")) == 1
    assert page.find("main", id="main")
    assert page.find("header")
    assert page.find("footer")
    navs = page.find("nav")
    assert navs and all(n.get("aria-label") or n.get("aria-labelledby") for n in navs)
    # Every field has a label (or an explicit accessible name).
    for field in page.fields:
        named = field.get("aria-label") or field.get("aria-labelledby")
        assert named or field.get("id") in page.label_for, f"unlabelled field: {field}"
    # Ids are unique (labels and aria-describedby rely on them).
    ids = Counter(a["id"] for _t, a in page.tags if a.get("id"))
    assert not [i for i, n in ids.items() if n > 1], f"duplicate ids: {ids.most_common(3)}"
    # aria-describedby points at elements that exist.
    for _t, a in page.tags:
        for ref in (a.get("aria-describedby") or "").split():
            assert ref in ids, f"aria-describedby={ref} points nowhere"
    assert not page.problems, page.problems


def test_audit_catches_what_it_should():
    """The checker itself refuses the faults it looks for."""
    good = (
        '<html lang="fr"><body><a href="#main">skip</a><header><nav aria-label="n"></nav>'
        '</header><main id="main"><label for="x">X</label><input id="x"></main>'
        "<footer></footer></body></html>"
    )
    assert_accessible_basics(good)
    for bad in [
        good.replace(' lang="fr"', ""),
        good.replace('<a href="#main">skip</a>', ""),
        good.replace('<label for="x">X</label>', ""),
        good.replace('aria-label="n"', ""),
        good.replace('<input id="x">', '<input id="x" style="color:red">'),
        good.replace('<input id="x">', '<input id="x" onclick="go()">'),
        good.replace("<footer></footer>", "<script>alert(1)</script>"),
        good.replace('<main id="main">', "<main>"),
    ]:
        with pytest.raises(AssertionError):
            assert_accessible_basics(bad)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("home", {}),
        ("account_login", {}),
        ("account_reset_password", {}),
        ("account_reset_password_done", {}),
        ("account_reset_password_from_key", {"uidb36": "1", "key": "not-a-real-key"}),
        ("account_signup", {}),
        ("account_email_verification_sent", {}),
        ("account_confirm_email", {"key": "not-a-real-key"}),
        ("account_inactive", {}),
    ],
)
def test_public_page_accessible_basics(client, url_name, kwargs):
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_basics(html)
    assert "/static/css/allauth.css" in html or url_name == "home"


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "accounts:profile",
        "accounts:invitation_list",
        "accounts:audit_log",
        "account_email",
        "account_change_password",
        "mfa_index",
    ],
)
def test_coordinator_page_accessible_basics(world, login, url_name):
    response = login(world.a.people["coordinator"]).get(reverse(url_name))
    assert response.status_code == 200
    assert_accessible_basics(response.content.decode())


def test_invitation_form_errors_linked_to_fields(world, login):
    client = login(world.a.people["coordinator"])
    response = client.post(reverse("accounts:invitation_list"), {"email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400
    assert_accessible_basics(html)
    page = audit(html)
    email = [f for f in page.fields if f.get("name") == "email"][0]
    assert email.get("aria-invalid") == "true"
    assert "id_email_error" in email.get("aria-describedby", "")


@pytest.mark.django_db
def test_not_found_page_accessible_basics(client):
    response = client.get("/this-page-does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Cette page n'existe pas" in html
    assert_accessible_basics(html)


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_status_badge_is_readable_on_every_page():
    """Status badges take their colours from site.css, which every page loads (the jury's were
    white on white on the pages that did not load the jury's stylesheet): each status of each
    model has a background with at least 4.5:1 against its text."""
    import re
    from pathlib import Path

    from django.conf import settings

    from challenges.models import ChallengeStatus
    from trophies.models import JuryStatus

    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    rules = dict(re.findall(r"\.([\w-]+)\s*\{([^}]*)\}", css))  # the last rule of a name wins
    for prefix, statuses in [("jury-status-", JuryStatus), ("challenge-status-", ChallengeStatus)]:
        for status in statuses.values:
            body = rules.get(prefix + status)
            assert body, f".{prefix}{status} has no colours in site.css"
            background = re.search(r"background-color:\s*(#[0-9a-fA-F]{6})", body).group(1)
            text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", body)
            colour = text.group(1) if text else "#ffffff"
            ratio = _contrast(background, colour)
            assert ratio >= 4.5, f".{prefix}{status}: {ratio:.2f}:1"
    default = rules["status-badge"]
    assert "color: #fff" in default and "background-color" in default


def test_navigation_is_grouped_by_area_in_a_fixed_order(world, login):
    """The coordinator's entries come in labelled areas, home first and administration last,
    whatever order the apps provide them in."""
    response = login(world.a.people["coordinator"]).get(reverse("home"))
    groups = [
        (str(g.label), [str(i.label) for i in g.items]) for g in response.context["nav_groups"]
    ]
    assert groups == [
        ("", ["Accueil"]),
        ("Défis", ["Défis à examiner"]),
        ("Programmes et équipes", ["Programmes", "Équipes"]),
        ("Séances", ["Mes séances", "Accompagnement"]),
        ("Jury et documents", ["Jury", "Diplômes et trophées"]),
        ("Appels à projets", ["Appels à projets"]),
        ("Les communs", ["Publications", "Archive des projets"]),
        ("Administration", ["Invitations", "Journal d'audit"]),
    ]
    html = response.content.decode()
    assert 'aria-labelledby="nav-area-admin"' in html
    assert html.count('aria-controls="main-nav"') == 1
