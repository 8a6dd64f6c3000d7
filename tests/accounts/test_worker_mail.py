"""An invitation e-mail goes through the broker to a real Celery worker process."""

import email
import email.policy

import pytest

from curiouslab.accounts.models import Organisation, OrganisationKind, Role
from curiouslab.accounts.services import invitation_create
from tests.factories import member
from tests.worker import celery_worker, needs_worker_stack, wait_for

pytestmark = [pytest.mark.worker, needs_worker_stack]


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_by_a_real_worker(tmp_path):
    dep = Organisation.objects.create(
        kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine", slug="hds"
    )
    town = Organisation.objects.create(
        kind=OrganisationKind.MUNICIPALITY, name="Ville de Sceaux", slug="sceaux", territory=dep
    )
    coordinator = member(Role.COORDINATOR, dep)
    outbox = tmp_path / "mail"
    outbox.mkdir()
    with celery_worker(env={"EMAIL_URL": f"file://{outbox}"}) as worker:
        invitation = invitation_create(
            organisation=town,
            role=Role.MUNICIPAL_STAFF,
            email="agent@sceaux.fr",
            invited_by=coordinator,
        )
        # The file backend creates the file before writing it: wait for the line of dashes
        # that closes each message.
        files = wait_for(
            lambda: [f for f in outbox.iterdir() if f.read_text().endswith("-" * 79 + "\n")],
            timeout=90,
            process=worker,
        )
    # The file backend writes each message followed by a line of dashes.
    raw = files[0].read_text().rsplit("\n" + "-" * 79, 1)[0]
    message = email.message_from_string(raw, policy=email.policy.default)
    assert message["To"] == "agent@sceaux.fr"
    assert "Ville de Sceaux" in message["Subject"]
    assert invitation.token in message.get_content()
