""" "The call is open", defined once (cohorts/models.py): the SQL filters and the cohort's
own methods agree on every day around the call, and the challenge services follow them."""

import datetime

import pytest

from cohorts.models import Cohort
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

OPENS, CLOSES = datetime.date(2026, 9, 1), datetime.date(2026, 10, 15)
DAYS = {
    "before it opens": (datetime.date(2026, 8, 31), False, True),
    "the opening day": (OPENS, True, True),
    "the closing day": (CLOSES, True, True),
    "after it closed": (datetime.date(2026, 10, 16), False, False),
}


@pytest.mark.parametrize("day", DAYS)
def test_the_call_rule_is_one_definition_in_sql_and_on_the_cohort(day):
    cohort = CohortFactory(call_opens=OPENS, call_closes=CLOSES)
    at = datetime.datetime.combine(DAYS[day][0], datetime.time(12), tzinfo=datetime.UTC)
    is_open, takes = DAYS[day][1], DAYS[day][2]
    assert cohort.call_is_open(at) is is_open
    assert Cohort.objects.call_open(at).filter(pk=cohort.pk).exists() is is_open
    assert cohort.takes_challenges(at) is takes
    assert Cohort.objects.taking_challenges(at).filter(pk=cohort.pk).exists() is takes
