"""Who may do what in the agents' school (django-rules)."""

from __future__ import annotations

import rules

from curiouslab.accounts.rules import coordinates_programme, in_team


@rules.predicate
def in_experiment_team(user, experiment) -> bool:
    """The user is an agent of the experiment's team (and still holds the participant role)."""
    return experiment is not None and in_team(user, experiment.team)


rules.add_perm("training.manage_training", coordinates_programme)
rules.add_perm("training.view_experiment", coordinates_programme | in_experiment_team)
rules.add_perm("training.change_experiment", coordinates_programme | in_experiment_team)
rules.add_perm("training.publish_sheet", coordinates_programme)
