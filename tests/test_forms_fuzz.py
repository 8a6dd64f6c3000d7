"""Property-based tests (Hypothesis) of every form of the project, with random and hostile
values: huge integers, NUL bytes, very long strings, odd unicode, impossible dates, hostile
files.

1. Every Form and ModelForm class reachable from the apps is instantiated with such values:
   validating it raises nothing but validation errors.
2. Every page of the role × URL matrix that holds a form is posted such values by its
   rightful persona (the first persona the matrix lets in): no answer is a 5xx, and an
   answer refusing the input (4xx) leaves every table as it was.

The run's size is printed (pytest -s) and written to var/fuzz-run.txt; the README quotes it."""

from __future__ import annotations

import importlib
import inspect
import io
import os
import pkgutil
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matrix import all_rows, build_all
from tests.world import PERSONAS, build_world

PACKAGES = (
    "curiouslab",
    "challenges",
    "cohorts",
    "sessions",
    "trophies",
    "commons",
    "training",
    "calls",
)
FORM_EXAMPLES = 30
VIEW_EXAMPLES = 6
RUN = {"forms": 0, "form_examples": 0, "views": 0, "view_posts": 0}
ROOT = Path(__file__).resolve().parents[1]

# --- Hostile values -------------------------------------------------------------------------

HOSTILE = [
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 5000,
    "9223372036854775808",
    "1e309",
    "NaN",
    "-inf",
    "0x10",
    "٣",  # an Arabic-Indic digit: int() takes it
    "𝟗𝟗",
    "\x00",
    "Les\x00Curieux",
    "\u202eevil",
    "\ud7ff\ufffd\U0001f600",
    "a" * 200_000,
    "é" * 5000,
    "2026-02-30",
    "99999-12-31",
    "0000-00-00",
    "2026-13-01T25:61",
    "1900-01-01",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "",
    " ",
    "#zzzzzz",
    "x@",
    "a@" + "b" * 300 + ".fr",
]
scalar = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE_FILES = [
    ("page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    ("logo.png", b"\x89PNG\r\n\x1a\n<html><script>x</script>", "image/png"),
    ("a.docx", _zip({"word/document.xml": b"x", "../../x": b"x"}), "application/msword"),
    ("eleves.csv", b"Nom;Pr\x81nom\n\x8d\x00", "text/csv"),
    ("eleves.csv", b"name,email,discipline\n" + b"x" * (130 * 1024), "text/csv"),
    ("../../etc/passwd", b"root:x:0:0", "text/plain"),
    ("vide.pdf", b"", "application/pdf"),
]


def _upload_name(raw: str) -> str:
    """A name a browser's upload can carry: Django's multipart parser drops a file whose name
    has no base name ("/", ".", ".."), so such a name never reaches a form."""
    return raw if os.path.basename(raw) not in {"", ".", ".."} else "f"


upload = st.one_of(
    st.sampled_from(HOSTILE_FILES),
    st.tuples(st.text(min_size=1, max_size=40), st.binary(max_size=3000), st.text(max_size=40)),
).map(lambda t: SimpleUploadedFile(_upload_name(t[0]), t[1], t[2] or "application/octet-stream"))


def value_for(field, pks: list[str]):
    """A strategy of posted values for one form field: hostile, random, or (to reach the
    form's deeper checks) a valid-looking choice."""
    choices = []
    if hasattr(field, "choices") and not isinstance(field, forms.ModelChoiceField):
        choices = [str(k) for k, _v in field.choices if k not in ("", None)][:50]
    base = st.one_of(scalar, st.sampled_from(choices or pks or ["1"]))
    if isinstance(field, forms.FileField):
        files = (
            st.lists(upload, max_size=3)
            if getattr(field.widget, "allow_multiple_selected", False)
            else upload
        )
        return st.one_of(files, st.none())
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(base, max_size=4)
    return base


# --- 1. Every form class ----------------------------------------------------------------------


def form_classes() -> list[type]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in module.name or module.name.endswith(
                ("wsgi", "asgi", "gunicorn_worker")
            ):
                continue
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {
        c
        for c in subclasses(forms.BaseForm)
        if c.__module__.split(".")[0] in PACKAGES and not inspect.isabstract(c)
    }
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def _call_objects(world) -> dict:
    """A call for projects with a draft dossier, made once per world (the calls' forms)."""
    if "fuzz_call" not in world.objects:
        from tests.calls.factories import call_programme, make_call, make_dossier

        call = make_call(call_programme(world.a.departement), slug="fuzz-call")
        world.objects["fuzz_call"] = call
        world.objects["fuzz_dossier"] = make_dossier(
            call, world.a.applicant, world.a.people["applicant"]
        )
    call = world.objects["fuzz_call"]
    return {
        "call": call,
        "dossier": world.objects["fuzz_dossier"],
        "editable": {"title", "summary", "method", "budget"},
        "criteria": list(call.criteria.all()),
    }


def form_kwargs(cls, world, jury) -> dict:
    """What each form's constructor needs, from the test world."""
    from challenges.models import Challenge
    from cohorts.models import Cohort, DeliverableVersion, Team
    from curiouslab.accounts.models import Membership, Organisation, OrganisationKind, Role, User

    a = world.a
    known = {
        "organisations": Organisation.objects.all(),
        "email": a.people["student"].email,
        "municipalities": Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY),
        "years": [a.cohort.year],
        "calls": Cohort.objects.all(),
        "disciplines": ["design", "ingénierie"],
        "students": list(Membership.objects.filter(role=Role.STUDENT).select_related("user")),
        "challenges": list(Challenge.objects.all()[:20]),
        "coaches": User.objects.all()[:20],
        "cohort": a.cohort,
        "cohorts": Cohort.objects.all(),
        "session": None,
        "jury": jury,
        "teams": Team.objects.all(),
        "user": a.people["coordinator"],
        "limit": 3,
        "territories": [a.departement],
        "format_spec": a.programme.format_spec,
        "versions": list(DeliverableVersion.objects.select_related("deliverable__milestone")[:20]),
    }
    params = inspect.signature(cls.__init__).parameters
    if cls.__module__.startswith("calls."):
        known.update(_call_objects(world))
    kwargs = {}
    for name, p in params.items():
        if p.kind == p.KEYWORD_ONLY:
            if name not in known:
                raise AssertionError(f"{cls.__name__} needs {name}: teach form_kwargs about it")
            kwargs[name] = known[name]
    return kwargs


def _fuzz_form(cls, kwargs, strategy, files_strategy):
    @settings(
        max_examples=FORM_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy, files=files_strategy)
    def validates(data, files):
        files = {k: v for k, v in files.items() if v is not None}
        form = cls(data=data, files=files, **kwargs)
        try:
            form.is_valid()  # raises nothing: only validation errors, held in the form
        except Exception as exc:
            raise AssertionError(f"{cls.__module__}.{cls.__name__} raised {exc!r}") from exc
        RUN["form_examples"] += 1

    validates()


@pytest.mark.django_db
def test_every_form_validates_hostile_values_without_an_exception():
    from tests.trophies.factories import ready_jury

    world = build_world()
    jury, _members, _finalists, _crits = ready_jury(world.a.cohort, jurors=1, finalists=2)
    classes = form_classes()
    assert len(classes) >= 30, [c.__name__ for c in classes]
    started = time.monotonic()
    for cls in classes:
        kwargs = form_kwargs(cls, world, jury)
        fields = cls(**kwargs).fields
        pks = [str(pk) for pk in world.a.cohort.teams.values_list("pk", flat=True)]
        data_fields = {n: f for n, f in fields.items() if not isinstance(f, forms.FileField)}
        file_fields = {n: f for n, f in fields.items() if isinstance(f, forms.FileField)}
        strategy = st.fixed_dictionaries(
            {n: value_for(f, pks) for n, f in data_fields.items()},
        )
        files_strategy = st.fixed_dictionaries(
            {n: value_for(f, pks) for n, f in file_fields.items()}
        )

        _fuzz_form(cls, kwargs, strategy, files_strategy)
        RUN["forms"] += 1
    RUN["form_seconds"] = round(time.monotonic() - started, 1)
    _record()


# --- 2. Through the views ---------------------------------------------------------------------


class _Forms(HTMLParser):
    """The field names of the page's POST forms, with the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = (attrs.get("action") or "", set())
            self.forms.append(self._current)
        elif self._current and tag in ("input", "select", "textarea", "button"):
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current[1].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


# Tables whose rows change on any request (sessions, rate limits, login records).
VOLATILE = {"django_session", "account_emailconfirmation", "django_admin_log"}
# Pages whose POST signs the persona out or swaps the language: no form to fuzz.
SKIP = {"account_logout", "set_language", "admin:*"}


def _counts() -> dict[str, int]:
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.managed and m._meta.db_table not in VOLATILE
    ]
    with connection.cursor() as cursor:
        sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in tables)  # noqa: S608
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _rightful(row) -> str | None:
    for persona in PERSONAS:
        if persona != "anonymous" and 200 <= row.status_for(persona) < 400:
            return persona
    return None


def _fuzz_view(client, url, user, persona, names, failures):
    values = st.one_of(scalar, st.lists(scalar, max_size=3))

    @settings(
        max_examples=VIEW_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.fixed_dictionaries(dict.fromkeys(names, values)))
    def posts(data):
        client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
        before = _counts()
        response = client.post(url, data)
        RUN["view_posts"] += 1
        if response.status_code >= 500:
            failures.append(f"POST {url} as {persona}: {response.status_code} with {data!r:.300}")
        elif response.status_code >= 400:
            after = _counts()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            if changed:
                failures.append(f"POST {url} as {persona}: {response.status_code}, wrote {changed}")

    posts()


@pytest.mark.django_db
def test_every_form_view_answers_hostile_posts_without_a_500_or_a_partial_write(client):
    world = build_world()
    build_all(world)
    client.raise_request_exception = False  # an exception is a 500 answer, recorded below
    started = time.monotonic()
    failures = []
    for name, row in sorted(all_rows().items()):
        persona = _rightful(row)
        if name in SKIP or persona is None:
            continue
        user = world.persona(persona)
        url = row.url(name, world)
        client.force_login(user, backend="curiouslab.accounts.backends.ModelBackend")
        if row.method == "post":
            fields = set((row.data(world) if row.data else {}).keys())
        else:
            page = client.get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(page.content.decode())
            fields = set()
            for action, names in parser.forms:
                if action in ("", url):
                    fields |= names
        if not fields:
            continue
        RUN["views"] += 1
        names = sorted(fields)

        _fuzz_view(client, url, user, persona, names, failures)
    RUN["view_seconds"] = round(time.monotonic() - started, 1)
    _record()
    assert not failures, "\n".join(failures[:20])


def _record():
    line = (
        f"{RUN['forms']} form classes × {FORM_EXAMPLES} examples ({RUN['form_examples']} "
        f"validations, {RUN.get('form_seconds', '-')} s); {RUN['views']} form pages × "
        f"{VIEW_EXAMPLES} examples ({RUN['view_posts']} POSTs, {RUN.get('view_seconds', '-')} s)"
    )
    print("\nHypothesis run:", line)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "fuzz-run.txt").write_text(line + "\n")
