"""docs/reasons.md: every reason of both profiles in one generated file for review, and
the wording rules every message keeps (no field names, no English codes)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ballot.rules import catalogue
from ballot.rules.profiles import profile_names

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "ballot" / "rules"
CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
FIELD_NAME = re.compile(r"\b[a-z]+(_[a-z0-9]+)+\b")
LEVEL_CODE = re.compile(r"\b(HTXSNV|HTTNV|HTNV|KHTNV)\b")


def _codes_in(node: ast.AST) -> set[str]:
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.fullmatch(n.value)
    }


def source_codes() -> set[str]:
    """Every reason code written in ballot/rules: the first argument of `Reason(...)`,
    a value given to a variable `code`, or a value of a module-level `*_CODE` table."""
    found: set[str] = set()
    for path in RULES.rglob("*.py"):
        if path.name == "catalogue.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Reason":
                first = node.args[0]
                assert isinstance(first, (ast.Constant, ast.IfExp, ast.Name)), (
                    f"{path.name}:{node.lineno}: a reason code must be written out"
                )
                found |= _codes_in(first)
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and (
                        target.id == "code" or target.id.endswith("_CODE")
                    ):
                        found |= _codes_in(node.value)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for element, value in zip(target.elts, node.value.elts, strict=False):
                            if isinstance(element, ast.Name) and element.id == "code":
                                found |= _codes_in(value)
    return found


def test_reasons_md_is_up_to_date():
    """Regenerate with: python -m ballot.rules.catalogue > docs/reasons.md"""
    assert (ROOT / "docs" / "reasons.md").read_text("utf-8") == catalogue.markdown()


def test_every_reason_code_in_the_source_is_catalogued_once():
    listed = catalogue.all_codes()
    assert len(listed) == len(set(listed))
    assert source_codes() == set(listed)


def test_every_catalogued_code_is_shown_with_its_wording():
    shown = {code for profile in profile_names() for code, _ in catalogue.wordings(profile)}
    assert shown == set(catalogue.all_codes())


def test_both_profiles_are_in_the_document_with_their_sections():
    text = (ROOT / "docs" / "reasons.md").read_text("utf-8")
    assert "## Hồ sơ 21-HD-2019" in text and "## Hồ sơ 366-2025" in text
    assert "| `org_disciplined` | II.B.1.3.d |" in text
    assert "| `discipline_reprimand_or_above` | QĐ 366 khoản 4.2 |" in text


@pytest.mark.parametrize("profile", profile_names())
def test_no_message_shows_a_field_name_or_an_english_level_code(profile):
    for reason in catalogue.reasons_given(profile):
        assert not FIELD_NAME.search(reason.message), reason
        assert not LEVEL_CODE.search(reason.message), reason
        assert "DESIGN" not in reason.message and "issue" not in reason.message.lower()


@pytest.mark.parametrize("profile", profile_names())
def test_counting_never_cites_a_section_of_21_hd(profile):
    """The threshold is the profile's rule: the regulation gives none (II.B.2.5)."""
    for reason in catalogue.reasons_given(profile):
        if reason.code in ("voted_level", "no_level_reached", "khtnv_by_accumulation"):
            assert reason.section == f"Cách đếm phiếu của hồ sơ {profile}"


def test_366_cites_hd_43_only_by_its_numbered_item():
    for reason in catalogue.reasons_given("366-2025"):
        if "HD 43" in reason.section:
            assert re.fullmatch(r"HD 43 mục \d+(\.\d+)*", reason.section), reason


def test_topics_are_headings_of_docs_rules_md():
    headings = {
        line.lstrip("#").strip()
        for line in (ROOT / "docs" / "rules.md").read_text("utf-8").splitlines()
        if line.startswith("#")
    }
    missing = [heading for heading, _ in catalogue.TOPICS if heading not in headings]
    assert not missing


def test_every_citation_of_docs_rules_md_in_the_code_names_a_heading():
    headings = {
        line.lstrip("#").strip()
        for line in (ROOT / "docs" / "rules.md").read_text("utf-8").splitlines()
        if line.startswith("#")
    }
    cited: set[str] = set()
    for path in RULES.rglob("*.py"):
        text = " ".join(path.read_text("utf-8").replace("#", " ").split())
        cited |= set(re.findall(r"docs/rules\.md, “([^”]+)”", text))
    assert cited, "the code cites docs/rules.md"
    assert cited <= headings, cited - headings


def test_no_design_or_issue_citation_is_left_in_the_rules_package():
    for path in RULES.rglob("*.py"):
        text = path.read_text("utf-8")
        assert not re.search(r"[Ii]ssue [0-9]+|DESIGN", text), path.name
