"""The certified bundle, format "phieukin-bundle/1" (docs/bundle.md).

One JSON object; every member below is signed (all but `signature`):

    format        "phieukin-bundle/1"
    generator     the software that wrote it, e.g. "phieukin 0.1.0"
    meeting       {id, title, review_date, certified_at, certified_by
                   [, place, counting_committee, timezone]}  - the last three for the documents
    organisation  {name, kind, disciplined}          - as `ballot classify` reads it
    profile       the rule profile, e.g. "21-HD-2019" (docs/rules.md)
    settings      {denominator[, thresholds]}        - as `ballot classify` reads it
    roster        [member]: each a `ballot classify` scenario member (the facts the
                  rules used, presence included) plus `role`, shown in documents only
    attendance    {members, present, full_members_expected, full_members_present,
                   reached, present_ids, absent_with_leave_ids}
    rounds        [round] in round order, closed rounds only:
                  {id, number, kind, status, opened_at, closed_at,
                   questions: [{id, member_id|null, label}], options: [levels],
                   public_key: {n, e, spki_pem}, public_key_fingerprint,
                   participants: [member ids who received a signature, sorted],
                   ballots: [{text, prefix, signature, tracking_code}] sorted by code,
                   tally: {ballots, votes: {question id: {level: count}}}
                   [, encryption: {committee, tally, decryptions: [{trustee, envelope
                      [, refused]}], trustees}] - format 2, an encrypted round}
    committees    (format 2 only) [{id, transcript, trustees: [{index, member_id, name}],
                  confirmed_aloud_at}]: the counting committees' key generation
    proposal      the proposal, exactly as `ballot classify` prints it
    organisation_vote  null, or the chi bộ's own level (II.B.1.5): {round_id,
                  ballots, votes, voted_level, level, reasons}
    signer        {algorithm: "Ed25519", public_key (raw, base64url), fingerprint}
    signature     Ed25519 over SHA-256 of the RFC 8785 bytes of all the above
                  (see `ballot.report.canonical`), base64url

Nothing in it links a member to a ballot: participants are sorted names, ballots
are sorted by tracking code, and no time is finer than a round's (docs/bundle.md, “What the bundle leaves out”).
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballot.crypto.canonical import parse_canonical
from ballot.crypto.certify import fingerprint, public_key_b64url
from ballot.crypto.encoding import b64url_encode
from ballot.report.canonical import SIGNATURE_FIELD, bundle_digest
from ballot.rules import counting
from ballot.rules.attendance import scenario_tallies
from ballot.rules.levels import Level
from ballot.rules.model import Votes
from ballot.rules.pipeline import classify
from ballot.rules.scenario import parse_scenario
from ballot.rules.serialize import proposal_to_dict, reason_to_dict
from ballot.vocabulary import LEVEL_CODES as LEVELS
from ballot.vocabulary import MEMBER_ROUND_KINDS, ORGANISATION_QUESTION, RoundKind

FORMAT = "phieukin-bundle/1"
# Format 1 with encrypted rounds: `committees` and each such round's `encryption`
# (docs/bundle.md, “Format 2”). A meeting of plaintext ballots is still written as 1.
FORMAT_ENCRYPTED = "phieukin-bundle/2"
FORMATS = (FORMAT, FORMAT_ENCRYPTED)
# Roster fields for people, not for the rules: dropped when the scenario is rebuilt.
ROSTER_DISPLAY_FIELDS = ("role",)
# The section the chi bộ's vote on its own level comes from.
ORGANISATION_VOTE_SECTION = "II.B.1.5"


# --- assembling ---------------------------------------------------------------------


def round_section(
    *,
    round_info: dict[str, Any],
    public_key: dict[str, str],
    public_key_fingerprint: str,
    participants: Iterable[str],
    ballots: Iterable[dict[str, str]],
    tally: dict[str, Any],
    encryption: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One round. Participants and ballots are sorted here, so that neither list's
    order can carry the order in which members signed or ballots arrived. An
    encrypted round also has `encryption` (docs/encrypted-ballots.md, 10)."""
    section = {
        **round_info,
        "options": list(LEVELS),
        "public_key": public_key,
        "public_key_fingerprint": public_key_fingerprint,
        "participants": sorted(participants),
        "ballots": sorted(ballots, key=lambda b: (b["tracking_code"], b["signature"])),
        "tally": tally,
    }
    if encryption is not None:
        section["encryption"] = encryption
    return section


def assemble(
    *,
    generator: str,
    meeting: dict[str, Any],
    organisation: dict[str, Any],
    profile: str,
    settings: dict[str, Any],
    roster: list[dict[str, Any]],
    attendance: dict[str, Any],
    rounds: list[dict[str, Any]],
    proposal: dict[str, Any],
    committees: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The unsigned bundle; the chi bộ's level from its own round is derived here.
    With encrypted rounds it is format 2 and carries their committees' records."""
    bundle: dict[str, Any] = {
        "format": FORMAT_ENCRYPTED if committees else FORMAT,
        "generator": generator,
        "meeting": meeting,
        "organisation": organisation,
        "profile": profile,
        "settings": settings,
        "roster": roster,
        "attendance": attendance,
        "rounds": rounds,
        "proposal": proposal,
    }
    if committees:
        bundle["committees"] = committees
    bundle["organisation_vote"] = organisation_vote(bundle)
    return bundle


def sign_bundle(unsigned: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """Add the signer, then the signature over everything else (signer included)."""
    public_key = private_key.public_key()
    bundle = {key: value for key, value in unsigned.items() if key != SIGNATURE_FIELD}
    bundle["signer"] = {
        "algorithm": "Ed25519",
        "public_key": public_key_b64url(public_key),
        "fingerprint": fingerprint(public_key),
    }
    bundle[SIGNATURE_FIELD] = b64url_encode(private_key.sign(bundle_digest(bundle)))
    return bundle


# --- deriving (shared by certification and `ballot verify`) -----------------------


@functools.lru_cache(maxsize=8192)
def parsed_ballot(text: str) -> dict[str, Any]:
    """A ballot text parsed strictly (canonical or CryptoError), once per text: the
    contents check and the recount read the same thousand large ballots. Callers
    must not modify the result."""
    return parse_canonical(text)


@functools.lru_cache(maxsize=8192)
def plain_ballot(text: str) -> dict[str, Any]:
    """A ballot text parsed plainly, for texts already checked canonical (the chi bộ's
    own stored ballots, at certification). Callers must not modify the result."""
    return json.loads(text)


def recount(round_: dict[str, Any], parse: Callable[[str], dict[str, Any]] = parsed_ballot) -> dict[str, Any]:
    """The round's tally from its ballot texts; a blank choice is an abstention (docs/rules.md)."""
    counts: dict[str, Counter[str]] = {q["id"]: Counter() for q in round_["questions"]}
    for ballot in round_["ballots"]:
        for question, option in parse(ballot["text"])["choices"].items():
            counts[question][option] += 1
    return {
        "ballots": len(round_["ballots"]),
        "votes": {key: {level: c[level] for level in LEVELS} for key, c in counts.items()},
    }


def member_rounds(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in bundle["rounds"] if r["kind"] in MEMBER_ROUND_KINDS]


def member_round_tallies(bundle: dict[str, Any]) -> dict[str, Any]:
    """As the meeting's proposal takes them (ballot.rules.attendance.scenario_tallies)."""
    ordered = sorted(member_rounds(bundle), key=lambda r: r["number"])
    return scenario_tallies(r["tally"] for r in ordered)


def rules_version(bundle: dict[str, Any]) -> int:
    """The reading of the rules the bundle's proposal was made with; a proposal from
    before rules version 2 records none (docs/rules.md, “Phiên bản quy tắc”)."""
    proposal = bundle.get("proposal")
    version = proposal.get("rules_version", 1) if isinstance(proposal, dict) else 1
    return version if isinstance(version, int) and not isinstance(version, bool) else 1


def scenario_member(member: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in member.items() if k not in ROSTER_DISPLAY_FIELDS}


def scenario_from_bundle(bundle: dict[str, Any], version: int | None = None) -> dict[str, Any]:
    """The scenario `ballot classify` reads, rebuilt from the roster and the tallies,
    under the bundle's own rules version unless `version` is given."""
    return {
        "rules_version": rules_version(bundle) if version is None else version,
        "profile": bundle["profile"],
        "review_date": bundle["meeting"]["review_date"],
        "organisation": bundle["organisation"],
        "settings": bundle["settings"],
        "members": [scenario_member(m) for m in bundle["roster"]],
        **member_round_tallies(bundle),
    }


def classify_bundle(bundle: dict[str, Any], version: int | None = None) -> dict[str, Any]:
    """The rules re-applied, with the bundle's own profile and rules version (or the
    given `version`; docs/rules.md, “Phiên bản quy tắc”)."""
    return proposal_to_dict(classify(parse_scenario(scenario_from_bundle(bundle, version))))


def organisation_vote(bundle: dict[str, Any]) -> dict[str, Any] | None:
    """The chi bộ's own level from its latest organisation round (II.B.1.5), counted
    with the meeting's thresholds and denominator, and no higher than the members'
    results allow (II.B.1.3, the proposal's `organisation.max_level`)."""
    rounds = [r for r in bundle["rounds"] if r["kind"] == RoundKind.ORGANISATION]
    if not rounds:
        return None
    latest = max(rounds, key=lambda r: r["number"])
    votes = latest["tally"]["votes"][ORGANISATION_QUESTION]
    ballots = latest["tally"]["ballots"]
    voted, reasons = _count_organisation_votes(bundle, votes, ballots)
    max_level = bundle["proposal"]["organisation"]["max_level"]
    level = _lower(voted, max_level)
    if voted is not None and level != voted:
        from ballot.rules.levels import LEVEL_NAMES_VI, Level

        reasons.append(
            {
                "code": "organisation_capped",
                "section": "II.B.1.3",
                "message": f"Kết quả xếp loại đảng viên chỉ cho phép chi bộ đạt cao nhất "
                f"“{LEVEL_NAMES_VI[Level(max_level)]}”, nên mức của chi bộ là "
                f"“{LEVEL_NAMES_VI[Level(level)]}”.",
            }
        )
    return {
        "round_id": latest["id"],
        "ballots": ballots,
        "votes": votes,
        "voted_level": voted,
        "level": level,
        "reasons": reasons,
    }


def _count_organisation_votes(
    bundle: dict[str, Any], votes: dict[str, int], ballots: int
) -> tuple[str | None, list[dict[str, str]]]:
    scenario = _organisation_scenario(bundle, ballots)
    base = counting.denominator(scenario)
    counted = Votes.from_levels({Level(level): votes.get(level, 0) for level in LEVELS})
    level = counting.voted_level(counted, scenario.settings.thresholds, base)
    reason = counting.vote_reason(
        counted, level, scenario.settings.thresholds, base, ORGANISATION_VOTE_SECTION
    )
    return (level.value if level else None), [reason_to_dict(reason)]


def _organisation_scenario(bundle: dict[str, Any], ballots: int):
    data = {
        **scenario_from_bundle(bundle),
        "tally": {"ballots": ballots, "votes": {}},
        "followups": [],
    }
    return parse_scenario(data)


def organisation_vote_denominator(bundle: dict[str, Any]) -> int | None:
    """What the chi bộ's own vote was counted over (the meeting's denominator), or None
    when it held no such round: the đảng ủy ranks chi bộ by that share (II.B.1.3)."""
    vote = bundle.get("organisation_vote")
    if not isinstance(vote, dict):
        return None
    return counting.denominator(_organisation_scenario(bundle, vote["ballots"]))


def _lower(voted: str | None, allowed: str | None) -> str | None:
    if voted is None or allowed is None:
        return voted
    return voted if LEVELS.index(voted) >= LEVELS.index(allowed) else allowed
