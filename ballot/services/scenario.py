"""The one bridge from the stored meeting to the rules engine (docs/architecture.md,
“Services”): a member or a meeting in exactly the scenario schema `ballot classify`
reads, so the proposal the host sees is the one the command line, the bundle and
`ballot verify` compute from the same facts. Pure functions of ORM objects: the
tallies they need are passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ballot.rules import attendance, pipeline
from ballot.rules.model import MemberFacts
from ballot.rules.pipeline import classify
from ballot.rules.profiles import profile_in_force as _profile_in_force
from ballot.rules.profiles import profile_names as _profile_names
from ballot.rules.scenario import ScenarioError, parse_member, parse_scenario
from ballot.rules.serialize import proposal_to_dict
from ballot.store.models import Meeting, Member


def member_scenario(member: Member) -> dict[str, Any]:
    """The member in the scenario schema (docs/rules.md)."""
    facts = dict(member.facts or {})
    return {
        "id": member.key,
        "name": member.name,
        "status": member.status.value,
        "admitted_on": member.admitted_on.isoformat(),
        "present": member.present,
        "absent_with_leave": member.absent_with_leave,
        "self_level": member.self_level,
        "committee_level": member.committee_level,
        **{k: v for k, v in facts.items() if v is not None},
    }


def meeting_scenario(meeting: Meeting, tallies: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The meeting as a scenario; `tallies`: its closed member rounds' tallies in
    round order, the first the main round and each later one a follow-up that
    decides only the members it asked about (docs/rules.md, “Vòng bỏ phiếu bổ sung”)."""
    return {
        "profile": meeting.profile,
        "review_date": meeting.review_date.isoformat(),
        "organisation": organisation_of(meeting),
        "settings": settings_of(meeting),
        "members": [member_scenario(m) for m in meeting.members],
        **attendance.scenario_tallies(tallies),
    }


def organisation_of(meeting: Meeting) -> dict[str, Any]:
    """The chi bộ as the scenario's `organisation`: its kind, its discipline, the cap
    ratio granted, and the facts of II.B.1.3 and II.B.6 the meeting stated."""
    return {
        "name": meeting.branch_name,
        "kind": meeting.organisation_kind.value,
        "disciplined": meeting.organisation_disciplined,
        **({"cap_percent": meeting.cap_percent} if meeting.cap_percent else {}),
        **(meeting.organisation_facts or {}),
    }


def settings_of(meeting: Meeting) -> dict[str, Any]:
    """The counting settings; a setting left unset takes the profile's default."""
    return {
        "denominator": meeting.denominator.value,
        **({"thresholds": meeting.thresholds} if meeting.thresholds else {}),
        **({"khtnv_by_accumulation": meeting.khtnv_by_accumulation}
           if meeting.khtnv_by_accumulation else {}),
    }


def classify_scenario(data: dict[str, Any]) -> dict[str, Any]:
    """The proposal, in the schema of `ballot classify`."""
    return proposal_to_dict(classify(parse_scenario(data)))


def may_vote(member: Member) -> bool:
    """Only full members present vote (docs/rules.md, “Who votes”)."""
    return attendance.may_vote(member_scenario(member))


def quorum(meeting: Meeting) -> dict[str, Any]:
    """Attendance and quorum (Điều lệ Đảng; ballot.rules.attendance)."""
    return attendance.quorum([member_scenario(m) for m in meeting.members])


def on_ballot(meeting: Meeting, member: Member) -> bool:
    """Whether a classification round asks about this member: the profile classifies
    them now (II.B.2.1, II.B.6; one definition with the engine, rules.pipeline)."""
    facts = _parsed_member(member_scenario(member), meeting.review_date)
    return pipeline.on_ballot(facts, meeting.review_date, meeting.profile)


def member_fact_error(member: Member, review_date: dt.date | None) -> tuple[str, str] | None:
    """(field, message) if the rules engine would refuse this member (not yet
    stored), else None."""
    try:
        _parsed_member(member_scenario(member), review_date)
    except ScenarioError as exc:
        return exc.path.removeprefix("members[0]."), exc.message
    return None


def meeting_settings_error(meeting: Meeting) -> tuple[str, str] | None:
    """(field, message) if the rules engine would refuse this meeting's settings
    (read with one stand-in member: a scenario needs one)."""
    stand_in = {"id": "_", "name": "_", "status": "chinh_thuc", "admitted_on": "2000-01-01"}
    try:
        parse_scenario(meeting_scenario(meeting, []) | {"members": [stand_in]})
    except ScenarioError as exc:
        return exc.path, exc.message
    return None


def _parsed_member(data: dict[str, Any], review_date: dt.date | None) -> MemberFacts:
    """The rules engine's own reading of one member."""
    return parse_member(data, review_date or dt.date.today())


def profile_names() -> tuple[str, ...]:
    return _profile_names()


def profile_in_force(on: dt.date) -> str:
    """The profile a meeting on this date follows by default (docs/rules.md, “Profiles”)."""
    return _profile_in_force(on)
