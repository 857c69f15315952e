"""One vocabulary: the browser's copy (static/js/vocabulary.js) is generated from
ballot/vocabulary.py and equal to it; the levels are defined once."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ballot import vocabulary
from ballot.rules.levels import LEVELS_DESCENDING

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "static" / "js" / "vocabulary.js"


def test_javascript_vocabulary_is_generated_from_python():
    assert GENERATED.read_text(encoding="utf-8") == vocabulary.javascript_module(), (
        "static/js/vocabulary.js is out of date: run `python -m ballot.vocabulary > static/js/vocabulary.js`")


def test_command_regenerates_the_same_file(tmp_path):
    printed = subprocess.run([sys.executable, "-m", "ballot.vocabulary"], cwd=ROOT, capture_output=True,
                             text=True, check=True, encoding="utf-8").stdout
    assert printed == GENERATED.read_text(encoding="utf-8")


def test_level_codes_follow_the_rules_order():
    assert vocabulary.LEVEL_CODES == ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
    assert vocabulary.LEVEL_CODES == tuple(level.value for level in LEVELS_DESCENDING)


def test_no_other_file_spells_out_the_list_of_levels():
    """A second hand-written list of the four levels would drift from this one."""
    pattern = re.compile(r"""["']HTXSNV["']\s*,\s*["']HTTNV["']\s*,\s*["']HTNV["']\s*,\s*["']KHTNV["']""")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("ballot", "static/js")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".js") and path != GENERATED and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []
