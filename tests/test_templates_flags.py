"""No template decides from a raw status string: what a page offers comes from the rules
(``{% has_perm %}`` or a ``can_*`` flag the view computed through them) and a state's colour
from the model (``status_tone``, ``review_tone``), so that a new status or a changed rule is
changed in one place."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUS_COMPARED = re.compile(r"\.status\s*(==|!=|in)\s*[\"']")


def test_no_template_compares_a_status_with_a_string():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if STATUS_COMPARED.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == []
