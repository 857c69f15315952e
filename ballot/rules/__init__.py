"""The classification rules engine (DESIGN section 2): pure, no I/O, no clock.

    scenario = parse_scenario(json_value)      # or build a Scenario directly
    proposal = classify(scenario)
    data = proposal_to_dict(proposal)          # issue 2's proposal schema

Only `ballot.rules.cli` reads files or prints.
"""

from ballot.rules.levels import LEVEL_NAMES_VI, LEVELS_DESCENDING, Grade, Level
from ballot.rules.model import (
    Criteria,
    Denominator,
    Discipline,
    MemberFacts,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Scenario,
    Score,
    Settings,
    Tally,
    Thresholds,
    Votes,
)
from ballot.rules.pipeline import classify
from ballot.rules.profiles import (
    DEFAULT_PROFILE,
    Profile,
    get_profile,
    profile_in_force,
    profile_names,
)
from ballot.rules.results import (
    CapGroupReport,
    CapReport,
    MemberResult,
    MemberStatus,
    OrganisationResult,
    Proposal,
    Reason,
    Totals,
)
from ballot.rules.scenario import ScenarioError, parse_scenario
from ballot.rules.serialize import proposal_to_dict
from ballot.rules.table import render_table

__all__ = [
    "DEFAULT_PROFILE",
    "LEVELS_DESCENDING",
    "LEVEL_NAMES_VI",
    "CapGroupReport",
    "CapReport",
    "Criteria",
    "Denominator",
    "Discipline",
    "Grade",
    "Level",
    "MemberFacts",
    "MemberResult",
    "MemberStatus",
    "MembershipStatus",
    "Organisation",
    "OrganisationKind",
    "OrganisationResult",
    "Profile",
    "Proposal",
    "Reason",
    "Scenario",
    "ScenarioError",
    "Score",
    "Settings",
    "Tally",
    "Thresholds",
    "Totals",
    "Votes",
    "classify",
    "get_profile",
    "parse_scenario",
    "profile_in_force",
    "profile_names",
    "proposal_to_dict",
    "render_table",
]
