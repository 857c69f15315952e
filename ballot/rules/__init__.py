"""The classification rules engine (docs/rules.md): pure, no I/O, no clock.

    scenario = parse_scenario(json_value)      # or build a Scenario directly
    proposal = classify(scenario)
    data = proposal_to_dict(proposal)          # docs/rules.md, “Đề xuất”

Only `ballot.rules.cli` reads files or prints (and `ballot.rules.catalogue`, run
as a command, prints docs/reasons.md).
"""

from ballot.rules.levels import LEVEL_NAMES_VI, LEVELS_DESCENDING, Grade, Level
from ballot.rules.model import (
    RULES_VERSION,
    Body,
    BodyKind,
    Criteria,
    Denominator,
    Discipline,
    KhtnvByAccumulation,
    MemberFacts,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Scenario,
    ScenarioWarning,
    Score,
    Settings,
    Tally,
    TemporaryRegistration,
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
    RoundReport,
    Totals,
)
from ballot.rules.scenario import ScenarioError, parse_member, parse_scenario
from ballot.rules.serialize import proposal_to_dict
from ballot.rules.table import render_table

__all__ = [
    "DEFAULT_PROFILE",
    "RULES_VERSION",
    "Body",
    "BodyKind",
    "KhtnvByAccumulation",
    "RoundReport",
    "ScenarioWarning",
    "TemporaryRegistration",
    "parse_member",
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
