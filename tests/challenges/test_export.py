import csv
import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.challenges.factories import on_side, submitted

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "review_export.csv"
PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def exported(world):
    world.a.municipality.name = "Ville de Nanterre"
    world.a.municipality.save()
    cohort = world.a.cohort
    cohort.year = 2026
    cohort.save()
    rows = [
        ("Kiosque citoyen", "democratie_locale", "submitted", datetime.datetime(2026, 10, 2, 9, 0)),
        (
            'Piscine, "inscriptions" en ligne',
            "sports_loisirs",
            "accepted",
            datetime.datetime(2026, 10, 3, 23, 30),
        ),
        ('=HYPERLINK("http://evil")', "autre", "declined", datetime.datetime(2026, 10, 4, 8, 0)),
    ]
    for title, theme, status, when in rows:
        c = submitted(**on_side(world.a), title=title, theme=theme, status=status)
        c.submitted_at = when.replace(tzinfo=PARIS)
        c.save(update_fields=["submitted_at"])
    submitted(**on_side(world.b), title="Défi de l'autre département")


def test_csv_export_matches_the_golden_file(world, login, exported):
    response = login(world.a.people["coordinator"]).get(
        reverse("challenges:review_export", kwargs={"fmt": "csv"}), {"year": 2026, "status": "all"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="challenges-')
    assert response.content == GOLDEN.read_bytes()


def test_xlsx_export_has_the_same_rows_as_the_golden_file(world, login, exported):
    response = login(world.a.people["coordinator"]).get(
        reverse("challenges:review_export", kwargs={"fmt": "xlsx"}), {"year": 2026, "status": "all"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [
        [cell if cell is not None else "" for cell in r] for r in sheet.iter_rows(values_only=True)
    ]
    golden = list(csv.reader(io.StringIO(GOLDEN.read_bytes().decode("utf-8-sig"))))
    assert rows == golden


def test_export_columns_are_the_review_list_columns(world, login, exported):
    html = login(world.a.people["coordinator"]).get(reverse("challenges:review_queue")).content
    header = GOLDEN.read_bytes().decode("utf-8-sig").splitlines()[0].split(",")
    for label in header:
        assert f'<th scope="col">{label}</th>'.encode() in html


def test_export_is_forbidden_to_municipal_staff(world, login):
    response = login(world.a.people["municipal_staff"]).get(
        reverse("challenges:review_export", kwargs={"fmt": "xlsx"})
    )
    assert response.status_code == 403
