"""A certified chi bộ meeting built in process, for the benchmarks that need real
bundles (bundle_verify.py, committee_import.py): the services of a fresh data
directory, the demo roster, every member marked present, every full member present
casting a full ballot through blind signing, the round closed and certified.

Nothing is shortcut: the bundle is the one the server issues, signed by the chi bộ's
own key in that data directory."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")


def certified_bundle(data_dir: Path, members: int, review_date: dt.date, branch: str,
                     key_bits: int = 2048, choose=None) -> tuple[bytes, str]:
    """The bundle of a meeting of `members` in `data_dir` and its signer's fingerprint.
    `choose(voter_index, question_index)` gives a level (the default spreads the votes)."""
    from ballot.config import load_settings
    from ballot.crypto import blind_rsa
    from ballot.crypto.canonical import canonical_json
    from ballot.crypto.encoding import b64url_encode
    from ballot.demo import demo_rows
    from ballot.services.certification_key import ensure_key
    from ballot.services.commands import CastBallot, ImportRoster, NewMeeting, NewRound
    from ballot.services.facade import Services
    from ballot.vocabulary import OrganisationKind, RoundKind

    choose = choose or (lambda voter, question: LEVELS[(voter + question) % 3 if question % 7 else 1])
    settings = load_settings(data_dir, key_bits=key_bits)
    ensure_key(settings)  # the chi bộ's key, created at the server's first start
    services = Services(settings)
    host = services.create_host("bench", secrets.token_urlsafe(12))
    meeting_id = services.create_meeting(host, NewMeeting(
        branch_name=branch, title=f"Kiểm điểm {members} đảng viên", date=review_date,
        organisation_kind=OrganisationKind.CHI_BO_TRUC_THUOC))
    services.import_roster(host, meeting_id, ImportRoster(members=demo_rows(members, review_date)))
    services.mark_all_present(host, meeting_id)
    codes = services.personal_codes(host, meeting_id)
    state = services.host_state(host, meeting_id)
    voters = {m["id"] for m in state["members"] if m["may_vote"]}
    meeting_code = state["meeting"]["code"]
    check_ins = [services.join(meeting_code, c["personal_code"])["check_in"]["id"]
                 for c in codes if c["id"] in voters]
    round_id = services.create_round(host, meeting_id, NewRound(kind=RoundKind.CLASSIFICATION))
    services.open_round(host, round_id)
    form = json.loads(services.ballot_form(check_ins[0], round_id).body)
    public_key = blind_rsa.public_key_from_json(form["public_key"])
    questions = [q["id"] for q in form["questions"]]
    for voter, check_in in enumerate(check_ins):
        choices = {q: choose(voter, i) for i, q in enumerate(questions)}
        text = canonical_json({"round": round_id, "choices": choices,
                               "nonce": b64url_encode(secrets.token_bytes(16))})
        prefix, prepared = blind_rsa.prepare(text)
        blinded, inverse = blind_rsa.blind(public_key, prepared)
        blind_signature = services.sign(check_in, round_id, blinded)
        signature = blind_rsa.finalize(public_key, prepared, blind_signature, inverse)
        services.cast(round_id, CastBallot(ballot=text.decode(), prefix=b64url_encode(prefix),
                                           signature=b64url_encode(signature)))
    services.close_round(host, round_id)
    started = time.perf_counter()
    data = services.certify(host, meeting_id)
    print(f"  {len(check_ins)} ballots; certified in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    fingerprint = services.certification_key()["fingerprint"]
    services.db.close()
    return data, fingerprint
