"""Who is classified: II.B.2.1 (exempt, suspended) and II.B.6 (six months, absent, maternity)."""

from __future__ import annotations

from datetime import date

import pytest

from ballot.rules import Level, MemberStatus
from ballot.rules.dates import add_months, full_months_elapsed
from tests.rules.rules_builders import codes, member, run, scenario, votes


def test_II_B_2_1_exempt_member_is_not_classified_whatever_the_votes():
    data = scenario(
        [member("a"), member("b"), member("old", exempt=True)],
        {"a": votes(httnv=2), "b": votes(httnv=2), "old": votes(httnv=2)},
    )
    result = run(data).member("old")
    assert result.status is MemberStatus.NOT_CLASSIFIED
    assert result.level is None and result.voted_level is None
    assert codes(result) == ["exempt_from_party_work", "votes_not_counted"]
    assert result.reasons[0].section == "II.B.2.1"


def test_II_B_2_1_suspended_member_is_not_classified():
    data = scenario([member("a"), member("s", suspended=True, present=False)], {"a": votes(htnv=1)})
    result = run(data).member("s")
    assert result.status is MemberStatus.NOT_CLASSIFIED
    assert codes(result) == ["party_activity_suspended"]
    assert result.reasons[0].section == "II.B.2.1"


def test_II_B_2_1_exempt_and_suspended_are_both_given_as_reasons():
    data = scenario([member("a"), member("x", exempt=True, suspended=True, present=False)])
    assert codes(run(data).member("x")) == ["exempt_from_party_work", "party_activity_suspended"]


def test_II_B_2_1_exclusion_takes_precedence_over_absence():
    data = scenario([member("a"), member("x", exempt=True, present=False)])
    assert run(data).member("x").status is MemberStatus.NOT_CLASSIFIED


# --- II.B.6: "đảng viên mới kết nạp chưa đủ 06 tháng" --------------------------------


@pytest.mark.parametrize(
    ("admitted_on", "review_date", "classified"),
    [
        ("2026-06-15", "2026-12-15", True),  # exactly six months: complete on the same day
        ("2026-06-16", "2026-12-15", False),  # one day short
        ("2026-06-14", "2026-12-15", True),
        ("2026-08-31", "2027-02-28", True),  # no 31 February: the month's last day
        ("2026-08-31", "2027-02-27", False),
        ("2027-08-31", "2028-02-29", True),  # leap year
        ("2027-08-31", "2028-02-28", False),
        ("2026-12-15", "2026-12-15", False),  # admitted on the review day
    ],
)
def test_II_B_6_six_full_months_boundary_day(admitted_on, review_date, classified):
    data = scenario(
        [member("a"), member("p", status="du_bi", admitted_on=admitted_on)],
        {"a": votes(httnv=1), "p": votes(httnv=1)},
        review_date=review_date,
    )
    result = run(data).member("p")
    if classified:
        assert result.status is MemberStatus.CLASSIFIED
        assert result.level is Level.HTTNV
    else:
        assert result.status is MemberStatus.NOT_CLASSIFIED
        assert codes(result) == ["admitted_under_6_months", "votes_not_counted"]
        assert result.reasons[0].section == "II.B.6"


def test_II_B_6_six_months_message_names_the_completion_day():
    data = scenario([member("a"), member("p", status="du_bi", admitted_on="2026-06-16")])
    message = run(data).member("p").reasons[0].message
    assert "16/06/2026" in message and "16/12/2026" in message and "chưa đủ 06 tháng" in message


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 6, 15), 6, date(2026, 12, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 7, 31), 6, date(2027, 1, 31)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_II_B_6_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected
    assert full_months_elapsed(start, expected, months)
    assert not full_months_elapsed(start, date.fromordinal(expected.toordinal() - 1), months)


def test_II_B_6_probationary_member_is_classified_but_does_not_count_as_voter():
    members = [member("a"), member("b"), member("p", status="du_bi", admitted_on="2025-01-01")]
    proposal = run(scenario(members, {"p": votes(htxsnv=2)}))
    assert proposal.denominator == 2  # entitled: full members only
    assert proposal.member("p").status is MemberStatus.CLASSIFIED
    assert proposal.member("p").voted_level is Level.HTXSNV


# --- II.B.6: "cá nhân vắng mặt ... trong thời gian sớm nhất" ---------------------------


def test_II_B_6_absent_member_is_listed_to_classify_as_soon_as_possible():
    data = scenario([member("a"), member("b"), member("away", present=False)])
    result = run(data).member("away")
    assert result.status is MemberStatus.ABSENT
    assert result.level is None and result.voted_level is None
    assert codes(result) == ["absent"]
    assert result.reasons[0].section == "II.B.6"
    assert "sớm nhất" in result.reasons[0].message
    assert "có phép" not in result.reasons[0].message


def test_II_B_6_absent_with_leave_says_so_and_leaves_the_entitled_denominator():
    members = [member("a"), member("b"), member("away", present=False, absent_with_leave=True)]
    proposal = run(scenario(members))
    assert "Vắng mặt có phép" in proposal.member("away").reasons[0].message
    assert proposal.denominator == 2


def test_II_B_6_absent_without_leave_stays_in_the_entitled_denominator():
    proposal = run(scenario([member("a"), member("b"), member("away", present=False)]))
    assert proposal.denominator == 3


def test_II_B_6_votes_for_an_absent_member_are_reported_but_not_counted():
    data = scenario(
        [member("a"), member("b"), member("away", present=False)], {"away": votes(htxsnv=2)}
    )
    result = run(data).member("away")
    assert result.status is MemberStatus.ABSENT
    assert result.votes.htxsnv == 2
    assert codes(result) == ["absent", "votes_not_counted"]
    assert run(data).cap.candidates == 0


def test_II_B_6_maternity_leave_is_a_note_and_no_cap():
    data = scenario([member("a"), member("m", maternity_leave=True)], {"m": votes(htxsnv=2)})
    result = run(data).member("m")
    assert result.level is Level.HTXSNV  # kept: the only candidate (II.B.6 allowance)
    assert "maternity_leave" in codes(result)
    note = next(r for r in result.reasons if r.code == "maternity_leave")
    assert note.section == "II.B.6" and "thời gian làm việc thực tế" in note.message
