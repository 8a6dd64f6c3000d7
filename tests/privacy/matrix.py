"""Matrix rows of the personal data pages (privacy/urls.py, namespace "privacy")."""

from tests.matrix import ANON_LOGIN, Row

SIGNED_IN_ONLY = {"anonymous": ANON_LOGIN, "default": 200}


def build(world):
    from privacy import services

    student = world.a.people["student"]
    export = services.export_request(user=student)
    services.export_build(export_id=export.pk)  # on_commit does not run here
    world.objects["export_a"] = export


ROWS = {
    # Public on purpose: the notice must be readable before one takes part.
    "privacy:programme_notice": Row(
        {"default": 200}, kwargs=lambda w: {"slug": w.a.programme.slug}
    ),
    # The register of the programmes one coordinates: coordinators only.
    "privacy:register": Row(
        {"anonymous": ANON_LOGIN, "coordinator": 200, "other_coordinator": 200, "default": 403}
    ),
    "privacy:my_data": Row(SIGNED_IN_ONLY),
    "privacy:export_request": Row({"anonymous": ANON_LOGIN, "default": 302}, method="post"),
    # One's own export only: anyone else does not learn it exists.
    "privacy:export_download": Row(
        {"anonymous": ANON_LOGIN, "student": 200, "default": 404},
        kwargs=lambda w: {"pk": w["export_a"].pk},
    ),
    "privacy:erase": Row(SIGNED_IN_ONLY),
}
