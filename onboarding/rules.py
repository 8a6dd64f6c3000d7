"""Who decides on the territories that ask to start: the platform administrators."""

import rules

from curiouslab.accounts.rules import is_platform_admin

rules.add_perm("onboarding.run_platform", is_platform_admin)
