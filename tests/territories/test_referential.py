"""The shipped referential: loading it (complete, idempotent), searching it, and the codes an
organisation carries."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from territories.models import Commune, Departement, Epci, Region
from territories.referential import load_referential, normalise
from territories.selectors import communes_matching
from territories.validators import validate_uai
from tests.territories.factories import commune


@pytest.mark.django_db
def test_the_referential_loads_complete_and_a_second_load_changes_nothing(capsys):
    call_command("load_referential")
    assert "34969 communes from @etalab/decoupage-administratif" in capsys.readouterr().out
    assert (Region.objects.count(), Departement.objects.count()) == (26, 109)
    assert (Epci.objects.count(), Commune.objects.count()) == (1255, 34969)
    evry = Commune.objects.select_related("departement__region", "epci").get(insee="91228")
    assert evry.name == "Évry-Courcouronnes" and evry.search_name == "evry courcouronnes"
    assert evry.departement.name == "Essonne" and evry.departement.region.name == "Île-de-France"
    assert evry.epci.siren == "200059228" and evry.population > 60000
    assert "91000" in evry.postcode_list
    assert Departement.objects.get(code="2A").name == "Corse-du-Sud"

    Commune.objects.filter(insee="91228").update(name="Evry", population=1)
    load_referential()
    assert Commune.objects.count() == 34969
    evry.refresh_from_db()
    assert (evry.name, evry.population > 60000) == ("Évry-Courcouronnes", True)


def test_normalise_ignores_accents_case_hyphens_and_ligatures():
    assert normalise("Évry-Courcouronnes") == "evry courcouronnes"
    assert normalise("  L'Haÿ-les-Roses ") == "l hay les roses"
    assert normalise("Œuilly") == "oeuilly"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["evry", "Évry", "EVRY-cour", "courcouronnes", "91228", "91000", "910"]
)
def test_a_commune_is_found_by_its_name_its_insee_code_or_its_postcode(query):
    commune("91228", "Évry-Courcouronnes", "91", population=66919, postcodes="91000 91080")
    commune("91001", "Abbéville-la-Rivière", "91", population=300, postcodes="91150")
    assert [c.insee for c in communes_matching(query)][:1] == ["91228"]


@pytest.mark.django_db
def test_the_search_is_one_bounded_query_the_biggest_commune_first():
    commune("93066", "Saint-Denis", "93", population=110000)
    commune("97411", "Saint-Denis", "974", population=155000)
    for i in range(15):
        commune(f"01{i:03d}", f"Saint-Denis-{i}", "01", population=i)
    with CaptureQueriesContext(connection) as queries:
        found = list(communes_matching("saint denis"))
    assert len(queries) == 1 and len(found) == 10
    assert [c.insee for c in found[:2]] == ["97411", "93066"]
    assert list(communes_matching("saint denis", departements=["93"])) == [found[1]]
    assert list(communes_matching("s")) == [] and list(communes_matching("9")) == []
    assert list(communes_matching("x" * 10_000)) == []


@pytest.mark.parametrize("value", ["0921234S", "0925678X", "9710001Z"])
def test_a_uai_with_its_check_letter_is_accepted(value):
    validate_uai(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0921234A", "uai_key"),
        ("092123S", "uai_format"),
        ("0921234s", "uai_format"),
        ("", "uai_format"),
    ],
)
def test_a_uai_with_a_wrong_letter_or_format_is_refused(value, code):
    with pytest.raises(ValidationError) as refused:
        validate_uai(value)
    assert refused.value.code == code


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_free_text_codes_into_links():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0002_outbox_message")])
    old = executor.loader.project_state([("accounts", "0002_outbox_message")]).apps
    organisation = old.get_model("accounts", "Organisation")
    organisation.objects.create(
        kind="municipality", name="Ville d'Évry", slug="evry", insee_code="91228"
    )
    organisation.objects.create(kind="departement", name="Essonne", slug="essonne", insee_code="91")
    organisation.objects.create(kind="school", name="Lycée", slug="lycee", insee_code="0921234s")
    organisation.objects.create(
        kind="municipality", name="Nulle part", slug="x", insee_code="00000"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from curiouslab.accounts.models import Organisation  # noqa: PLC0415 -- the model after the migration

    linked = {o.slug: o for o in Organisation.objects.all()}
    assert linked["evry"].commune.name == "Évry-Courcouronnes"
    assert linked["essonne"].departement.name == "Essonne"
    assert linked["lycee"].uai == "0921234S"
    assert linked["x"].commune is None and linked["x"].name == "Nulle part"
