"""The checks of format 2, "phieukin-bundle/2": encrypted rounds and their counting
committees (docs/bundle.md, “Format 2”; docs/encrypted-ballots.md, section 10).

`verify.verify_bundle` runs these beside the checks of format 1, which still cover an
encrypted round's blind signatures, tracking codes, duplicates and participation (the
signed text is the encrypted ballot), and branches to the functions here where format 1
reads plaintext choices (`ballot_contents`, `no_duplicates`, `recount`).

Everything expensive is computed once per bundle by `EncryptedRecord`: each committee
from its record, each encrypted round's ballots read, checked with every proof and
re-added in one pass (the proofs are most of the cost: about 0.5 s per ballot of a
300-member round, bench/README.md), the stored tally read, the shares combined. Each
check then reports its own part of that, so one kind of tampering fails its own check.

Pure: a bundle in, outcomes out; no Flask, no database, no files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ballot.crypto.canonical import canonical_json, parse_canonical
from ballot.crypto.committee import Committee, verify_committee
from ballot.crypto.encrypted_ballot import (
    LEVELS,
    EncryptedTally,
    parse_encrypted_ballot,
    verify_encrypted_ballot,
)
from ballot.crypto.errors import CryptoError, InvalidEncryptedBallot
from ballot.crypto.threshold import Decryption, check_partial_decryption, combine
from ballot.report.names import local_moment, meeting_zone, moment_vi
from ballot.report.outcome import Outcome, Problems

# The checks format 2 adds, by name, with their titles (the verdict structure of
# `verify.TITLES`); `verify._checks` says where each runs.
TITLES: dict[str, tuple[str, str]] = {
    "committees": ("Hồ sơ ban kiểm phiếu", "The counting committee's key-generation record"),
    "ballot_proofs": ("Bằng chứng của phiếu mã hóa", "Every encrypted ballot's proofs"),
    "encrypted_tally": ("Tổng mã hóa khớp các phiếu", "The encrypted tally is the sum of the ballots"),
    "decryptions": ("Giải mã của ban kiểm phiếu", "The trustees' partial decryptions"),
}


def is_encrypted(round_: dict[str, Any]) -> bool:
    """A round of encrypted ballots: it carries its counting (docs/bundle.md, “Format 2”)."""
    return "encryption" in round_


def encrypted_rounds(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in bundle["rounds"] if is_encrypted(r)]


class Unavailable(Exception):
    """What a check needs could not be established; the check fails saying why."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class BallotFinding:
    """One encrypted ballot, read and checked once."""

    tracking_code: str
    contents: tuple[str, str] | None  # what is wrong with its form, round, key or questions
    proof: tuple[str, str] | None  # which proof fails
    nonce: bytes | None  # None when it could not be read


@dataclass(frozen=True)
class RoundFinding:
    ballots: tuple[BallotFinding, ...]
    # The ballots' ciphertexts re-added (docs/encrypted-ballots.md, 8), or None when a
    # ballot could not be read, so that the sum cannot be formed.
    readded: EncryptedTally | None


class EncryptedRecord:
    """What the checks of format 2 share, each part computed on first use, once."""

    def __init__(self, bundle: dict[str, Any], *, proofs: bool = True) -> None:
        """`proofs=False`: the ballots' proofs are taken as checked (the certification's
        own check of a bundle it built from ballots whose proofs the box checked when
        they were cast: at 200 members they were most of two minutes)."""
        self.bundle = bundle
        self.proofs = proofs
        self._committees: dict[str, Committee | CryptoError] | None = None
        self._rounds: dict[str, RoundFinding] = {}
        self._tallies: dict[str, EncryptedTally | Unavailable] = {}
        self._combined: dict[str, Decryption | Unavailable] = {}

    # --- committees ---------------------------------------------------------------

    def committees(self) -> dict[str, Committee | CryptoError]:
        """Each committee by id, as verify_committee makes it from the record: every
        signature and proof, and the ceremony complete (docs/encrypted-ballots.md, 4.2)."""
        if self._committees is None:
            found: dict[str, Committee | CryptoError] = {}
            for entry in self.bundle["committees"]:
                try:
                    found.setdefault(entry["id"], verify_committee(entry["transcript"]))
                except CryptoError as exc:
                    found.setdefault(entry["id"], exc)
                except (KeyError, TypeError, AttributeError, ValueError) as exc:
                    found.setdefault(entry["id"], CryptoError(str(exc), message="Hồ sơ không đọc được."))
            self._committees = found
        return self._committees

    def committee_of(self, round_: dict[str, Any]) -> Committee:
        committee = self.committees().get(round_["encryption"]["committee"])
        if committee is None:
            raise Unavailable(
                f"vòng {round_['number']}: ban kiểm phiếu của vòng không có trong gói",
                f"round {round_['number']}: its committee is not in the bundle",
            )
        if isinstance(committee, CryptoError):
            raise Unavailable(
                f"vòng {round_['number']}: không kiểm được vì hồ sơ ban kiểm phiếu của vòng không hợp lệ",
                f"round {round_['number']}: cannot be checked, its committee's record is invalid",
            )
        return committee

    # --- the ballots ----------------------------------------------------------------

    def round(self, round_: dict[str, Any]) -> RoundFinding:
        """Every ballot of an encrypted round read, checked (check_encrypted_ballot's two
        steps: form, then round, key, questions and every proof) and added, in one pass;
        raises Unavailable when the round's committee is."""
        key = round_["id"]
        if key not in self._rounds:
            self._rounds[key] = _check_round(round_, self.committee_of(round_), self.proofs)
        return self._rounds[key]

    # --- the tally and its decryption -------------------------------------------------

    def stored_tally(self, round_: dict[str, Any]) -> EncryptedTally:
        def read() -> EncryptedTally:
            try:
                return EncryptedTally.from_json(round_["encryption"]["tally"])
            except (CryptoError, KeyError, TypeError, AttributeError) as exc:
                raise Unavailable(
                    f"vòng {round_['number']}: tổng mã hóa không đọc được",
                    f"round {round_['number']}: the encrypted tally cannot be read ({exc})",
                ) from None

        return _once(self._tallies, round_["id"], read)

    def combined(self, round_: dict[str, Any]) -> Decryption:
        """combine() of the shares the server accepted (those not marked refused)."""
        def decrypt() -> Decryption:
            committee, tally = self.committee_of(round_), self.stored_tally(round_)
            accepted = [d["envelope"] for d in round_["encryption"]["decryptions"] if "refused" not in d]
            try:
                return combine(committee, tally, accepted)
            except CryptoError as exc:
                raise Unavailable(
                    f"vòng {round_['number']}: không giải mã được tổng — {exc.message}",
                    f"round {round_['number']}: the tally cannot be decrypted ({exc.detail or exc.message})",
                ) from None

        return _once(self._combined, round_["id"], decrypt)


def _once(cache: dict[str, Any], key: str, make: Any) -> Any:
    """`make()` once per key; an Unavailable it raised is kept and raised again."""
    if key not in cache:
        try:
            cache[key] = make()
        except Unavailable as exc:
            cache[key] = exc
    found = cache[key]
    if isinstance(found, Unavailable):
        raise found
    return found


def _check_round(round_: dict[str, Any], committee: Committee, proofs: bool = True) -> RoundFinding:
    question_ids = [q["id"] for q in round_["questions"]]
    findings: list[BallotFinding] = []
    readded: EncryptedTally | None = EncryptedTally.empty(round_["id"], committee.joint_key, question_ids)
    for ballot in round_["ballots"]:
        code = ballot["tracking_code"]
        try:
            parsed = parse_encrypted_ballot(parse_canonical(ballot["text"]))
        except InvalidEncryptedBallot as exc:
            findings.append(BallotFinding(code, _form_problem(exc), None, None))
            readded = None
            continue
        except CryptoError:
            findings.append(BallotFinding(code, ("không ở dạng JSON chuẩn tắc", "not canonical JSON"), None, None))
            readded = None
            continue
        contents = proof = None
        try:
            verify_encrypted_ballot(
                parsed, round_id=round_["id"], question_ids=question_ids, key=committee.joint_key, proofs=proofs
            )
        except InvalidEncryptedBallot as exc:
            if exc.detail.endswith(("proofs", "sum_proof")):
                proof = _proof_problem(round_, exc.detail)
            else:
                contents = _contents_problem(exc.detail)
        findings.append(BallotFinding(code, contents, proof, parsed.nonce))
        if contents is not None:
            readded = None  # another round's, key's or form's ciphertexts: no sum of this round
        elif readded is not None:
            readded = readded.add(parsed)  # docs/encrypted-ballots.md, 8: the verifier re-adds
    return RoundFinding(tuple(findings), readded)


def _form_problem(exc: InvalidEncryptedBallot) -> tuple[str, str]:
    return (f"không đúng dạng phiếu mã hóa (trường {exc.detail})",
            f"not an encrypted ballot's form (field {exc.detail})")


def _contents_problem(field: str) -> tuple[str, str]:
    if field == "round":
        return "thuộc vòng khác", "belongs to another round"
    if field == "key":
        return ("mã hóa bằng khóa khác khóa chung của ban kiểm phiếu",
                "encrypted to another key than the committee's joint key")
    return ("không có đúng các mục của phiếu vòng này", "does not hold exactly the round's questions")


def _proof_problem(round_: dict[str, Any], field: str) -> tuple[str, str]:
    question = field.removeprefix("choices.").rsplit(".", 1)[0]
    if field.endswith("sum_proof"):
        return (f"mục {_subject(round_, question)}: bằng chứng “chọn nhiều nhất một mức” không đúng",
                f"question {question}: the proof of at most one level fails")
    return (f"mục {_subject(round_, question)}: bằng chứng “mỗi mức là 0 hoặc 1” không đúng",
            f"question {question}: a proof that a level is 0 or 1 fails")


def _subject(round_: dict[str, Any], question: str) -> str:
    labels = {q["id"]: q.get("label") for q in round_["questions"] if isinstance(q, dict)}
    label = labels.get(question)
    return f"“{label}”" if isinstance(label, str) and label else "một mục lạ"


# --- committees -----------------------------------------------------------------------


def check_committees(bundle: dict[str, Any], record: EncryptedRecord) -> Outcome:
    """Each committee's record (verify_committee: every signature and proof, complete),
    bound to this meeting, its members on the roster, its fingerprint confirmed aloud
    before any of its rounds opened; each encrypted round names one of them."""
    problems, lines_vi, lines_en = Problems(), [], []
    roster = {m["id"]: m for m in bundle["roster"]}
    committees = bundle["committees"]
    ids = [c["id"] for c in committees]
    if len(set(ids)) != len(ids):
        problems.add("một ban kiểm phiếu được ghi hai lần", "a committee is listed twice")
    zone = meeting_zone(bundle)
    for number, entry in enumerate(committees, start=1):
        name = "ban kiểm phiếu" if len(committees) == 1 else f"ban kiểm phiếu thứ {number}"
        committee = record.committees().get(entry["id"])
        if isinstance(committee, CryptoError):
            problems.add(f"{name}: {committee.message}", f"committee {number}: {committee.detail or committee}")
        context = entry["transcript"]["context"]
        if context.get("ceremony") != entry["id"]:
            problems.add(f"{name}: hồ sơ thuộc một lễ tạo khóa khác", f"committee {number}: another ceremony's record")
        if context.get("meeting") != bundle["meeting"]["id"]:
            problems.add(f"{name}: hồ sơ thuộc một cuộc họp khác", f"committee {number}: another meeting's record")
        _check_trustees(entry, context, roster, name, number, problems)
        for round_ in encrypted_rounds(bundle):
            if round_["encryption"]["committee"] == entry["id"] and entry["confirmed_aloud_at"] > round_["opened_at"]:
                problems.add(
                    f"{name}: vòng {round_['number']} mở trước khi ban kiểm phiếu đọc và xác nhận mã",
                    f"committee {number}: round {round_['number']} opened before the fingerprint was confirmed",
                )
        if isinstance(committee, Committee):
            members = ", ".join(t["name"] for t in sorted(entry["trustees"], key=lambda t: t["index"]))
            moment = moment_vi(local_moment(entry["confirmed_aloud_at"], zone))
            lines_vi.append(
                f"{name.capitalize()} ({members}), cần {committee.t} trên {committee.n} người để giải mã; "
                f"mã ban kiểm phiếu {committee.short_fingerprint}, đã đọc to và xác nhận lúc {moment}"
            )
            lines_en.append(
                f"committee {number} ({members}), {committee.t} of {committee.n} to decrypt; fingerprint "
                f"{committee.short_fingerprint}, confirmed aloud at {entry['confirmed_aloud_at']}"
            )
    for round_ in encrypted_rounds(bundle):
        if round_["encryption"]["committee"] not in ids:
            problems.add(
                f"vòng {round_['number']}: mã hóa cho một ban kiểm phiếu không có trong gói",
                f"round {round_['number']}: encrypted to a committee not in the bundle",
            )
    return problems.outcome("; ".join(lines_vi) + ".", "; ".join(lines_en))


def _check_trustees(entry: dict[str, Any], context: dict[str, Any], roster: dict[str, Any], name: str,
                    number: int, problems: Problems) -> None:
    indices = sorted(t["index"] for t in entry["trustees"])
    if indices != list(range(1, context.get("n", 0) + 1)):
        problems.add(
            f"{name}: danh sách thành viên không khớp hồ sơ ({context.get('n')} người)",
            f"committee {number}: the trustees listed do not match the record's n = {context.get('n')}",
        )
    members = [t["member_id"] for t in entry["trustees"]]
    if len(set(members)) != len(members):
        problems.add(f"{name}: một đảng viên giữ hai vị trí", f"committee {number}: a member holds two places")
    for trustee in entry["trustees"]:
        member = roster.get(trustee["member_id"])
        if member is None or member["name"] != trustee["name"]:
            problems.add(
                f"{name}: thành viên {trustee['index']} ({trustee['name']}) không có trong danh sách đảng viên",
                f"committee {number}: trustee {trustee['index']} is not on the roster",
            )


def trustee_name(bundle: dict[str, Any], committee_id: str, index: Any) -> str:
    """ "thành viên 2 (Trần Thị Bình)": a trustee as the checks name them."""
    for entry in bundle["committees"]:
        if entry["id"] == committee_id:
            for trustee in entry["trustees"]:
                if trustee["index"] == index:
                    return f"thành viên {index} ({trustee['name']})"
    return f"thành viên {index}"


# --- the ballots (branches of format 1's checks, and the proofs) -----------------------


def contents_problems(round_: dict[str, Any], record: EncryptedRecord) -> list[tuple[str, str]]:
    """`ballot_contents` for an encrypted round: each text canonical, of an encrypted
    ballot's form, for its round, under its committee's joint key, with exactly the
    round's questions ("vòng 1, phiếu CODE: what")."""
    try:
        finding = record.round(round_)
    except Unavailable as exc:
        return [(exc.vi, exc.en)]
    return [
        (f"vòng {round_['number']}, phiếu {b.tracking_code}: {b.contents[0]}",
         f"round {round_['number']}, ballot {b.tracking_code}: {b.contents[1]}")
        for b in finding.ballots if b.contents is not None
    ]


def check_ballot_proofs(bundle: dict[str, Any], record: EncryptedRecord) -> Outcome:
    """Every 0-or-1 proof and every sum proof of every encrypted ballot
    (docs/encrypted-ballots.md, 6 and 7.1), each ballot verified once."""
    problems, counted = Problems(), 0
    for round_ in encrypted_rounds(bundle):
        try:
            finding = record.round(round_)
        except Unavailable as exc:
            problems.add(exc.vi, exc.en)
            continue
        for ballot in finding.ballots:
            where_vi = f"vòng {round_['number']}, phiếu {ballot.tracking_code}"
            where_en = f"round {round_['number']}, ballot {ballot.tracking_code}"
            if ballot.contents is not None or ballot.nonce is None:
                problems.add(f"{where_vi}: không kiểm được bằng chứng vì phiếu sai nội dung",
                             f"{where_en}: proofs not checked, the ballot's contents are wrong")
            elif ballot.proof is not None:
                problems.add(f"{where_vi}: {ballot.proof[0]}", f"{where_en}: {ballot.proof[1]}")
            else:
                counted += 1
    if not record.proofs:
        return problems.outcome(f"{counted} phiếu mã hóa: bằng chứng đã được kiểm khi nhận phiếu.",
                                f"{counted} encrypted ballots: proofs checked when each was cast")
    return problems.outcome(
        f"{counted} phiếu mã hóa: mỗi mức của mỗi mục mã hóa 0 hoặc 1, mỗi mục chọn nhiều nhất một mức.",
        f"{counted} encrypted ballots: every level of every question encrypts 0 or 1, at most one level each",
    )


def nonce_problems(round_: dict[str, Any], record: EncryptedRecord) -> list[tuple[str, str]]:
    """`no_duplicates` for an encrypted round: no nonce twice (docs/encrypted-ballots.md,
    6: every proof is bound to it, so a copied ballot must reuse it)."""
    try:
        finding = record.round(round_)
    except Unavailable:
        return []  # ballot_contents says why
    seen: set[bytes] = set()
    found = []
    for ballot in finding.ballots:
        if ballot.nonce is None:
            continue
        if ballot.nonce in seen:
            found.append((
                f"vòng {round_['number']}: phiếu {ballot.tracking_code} dùng lại số ngẫu nhiên (nonce) của "
                "một phiếu khác",
                f"round {round_['number']}: ballot {ballot.tracking_code} repeats another ballot's nonce",
            ))
        seen.add(ballot.nonce)
    return found


# --- the tally, its decryption and the counts ------------------------------------------


def check_encrypted_tally(bundle: dict[str, Any], record: EncryptedRecord) -> Outcome:
    """T names its round, its committee's key and exactly the round's questions, counts
    the round's ballots, and equals their ciphertexts re-added (docs/encrypted-ballots.md, 8)."""
    problems, lines_vi, lines_en = Problems(), [], []
    for round_ in encrypted_rounds(bundle):
        number = round_["number"]
        try:
            committee, tally = record.committee_of(round_), record.stored_tally(round_)
        except Unavailable as exc:
            problems.add(exc.vi, exc.en)
            continue
        if tally.round_id != round_["id"]:
            problems.add(f"vòng {number}: tổng mã hóa của vòng khác", f"round {number}: another round's tally")
        if tally.key != committee.joint_key:
            problems.add(f"vòng {number}: tổng mã hóa dưới khóa khác khóa chung của ban kiểm phiếu",
                         f"round {number}: the tally is under another key")
        if set(tally.totals) != {q["id"] for q in round_["questions"]}:
            problems.add(f"vòng {number}: tổng mã hóa không có đúng các mục của phiếu",
                         f"round {number}: the tally does not hold exactly the round's questions")
        if tally.ballots != len(round_["ballots"]):
            problems.add(f"vòng {number}: tổng mã hóa ghi {tally.ballots} phiếu, vòng có {len(round_['ballots'])}",
                         f"round {number}: the tally counts {tally.ballots} ballots, the round has "
                         f"{len(round_['ballots'])}")
        try:
            readded = record.round(round_).readded
        except Unavailable as exc:
            problems.add(exc.vi, exc.en)
            continue
        if readded is None:
            problems.add(f"vòng {number}: không cộng lại được vì có phiếu sai nội dung",
                         f"round {number}: cannot be re-added, a ballot's contents are wrong")
        elif canonical_json(readded.to_json()) != canonical_json(tally.to_json()):
            problems.add(f"vòng {number}: tổng mã hóa khác tổng cộng lại từ các phiếu",
                         f"round {number}: the encrypted tally differs from the ballots' sum")
        else:
            lines_vi.append(f"vòng {number}: {tally.ballots} phiếu")
            lines_en.append(f"round {number}: {tally.ballots} ballots")
    return problems.outcome(
        "Cộng lại các phiếu mã hóa ra đúng tổng mã hóa đã giải mã — " + ", ".join(lines_vi) + ".",
        "re-adding the encrypted ballots gives the tally that was decrypted — " + ", ".join(lines_en),
    )


def check_decryptions(bundle: dict[str, Any], record: EncryptedRecord) -> Outcome:
    """Every partial decryption re-checked (its trustee's signature, every Chaum–Pedersen
    proof, for this round's tally): a refused one must fail, an accepted one hold; the
    trustees combined are the first t valid ones (docs/encrypted-ballots.md, 8)."""
    problems, lines_vi, lines_en = Problems(), [], []
    for round_ in encrypted_rounds(bundle):
        number, encryption = round_["number"], round_["encryption"]
        try:
            committee, tally = record.committee_of(round_), record.stored_tally(round_)
        except Unavailable as exc:
            problems.add(exc.vi, exc.en)
            continue
        senders = [d["trustee"] for d in encryption["decryptions"]]
        if len(set(senders)) != len(senders):
            problems.add(f"vòng {number}: một thành viên được ghi hai phần giải mã",
                         f"round {number}: a trustee's share is listed twice")
        valid = []
        for entry in encryption["decryptions"]:
            who = trustee_name(bundle, encryption["committee"], entry["trustee"])
            if entry["envelope"]["message"].get("trustee") != entry["trustee"]:
                problems.add(f"vòng {number}: phần giải mã ghi cho {who} do thành viên khác ký",
                             f"round {number}: the share listed for trustee {entry['trustee']} is another's")
                continue
            try:
                check_partial_decryption(committee, tally, entry["envelope"])
                holds = True
            except CryptoError:
                holds = False
            if holds:
                valid.append(entry["trustee"])
            if "refused" in entry and holds:
                problems.add(f"vòng {number}: phần giải mã của {who} bị ghi là từ chối nhưng kiểm lại thì đúng",
                             f"round {number}: trustee {entry['trustee']}'s share is marked refused but holds")
            elif "refused" not in entry and not holds:
                problems.add(f"vòng {number}: phần giải mã của {who} không đúng (chữ ký hoặc bằng chứng giải mã sai)",
                             f"round {number}: trustee {entry['trustee']}'s share fails its signature or proofs")
        expected = sorted(set(valid))[: committee.t]
        if len(expected) < committee.t:
            problems.add(f"vòng {number}: chỉ có {len(expected)} phần giải mã hợp lệ, cần {committee.t}",
                         f"round {number}: {len(expected)} valid shares, {committee.t} needed")
        elif encryption["trustees"] != expected:
            problems.add(
                f"vòng {number}: ghi giải mã bởi thành viên {_indices(encryption['trustees'])}, "
                f"nhưng các phần hợp lệ đầu tiên là của thành viên {_indices(expected)}",
                f"round {number}: combined trustees {encryption['trustees']}, the first valid shares are {expected}",
            )
        else:
            names = ", ".join(trustee_name(bundle, encryption["committee"], i) for i in expected)
            lines_vi.append(f"vòng {number}: {names}")
            lines_en.append(f"round {number}: trustees {expected}")
    return problems.outcome(
        "Mọi phần giải mã kiểm lại đúng chữ ký và bằng chứng; giải mã bởi " + "; ".join(lines_vi) + ".",
        "every partial decryption's signature and proofs re-checked; decrypted by " + "; ".join(lines_en),
    )


def _indices(items: list[int]) -> str:
    return ", ".join(map(str, items))


def recount_problems(round_: dict[str, Any], record: EncryptedRecord,
                     subject: Callable[[dict[str, Any], str], str],
                     votes: Callable[[Any], str]) -> list[tuple[str, str]]:
    """`recount` for an encrypted round: its ballots counted, and the combination of its
    trustees' shares (the bounded discrete log of docs/encrypted-ballots.md, 8) giving
    exactly `tally.votes` for every question, and no other question."""
    number, stored = round_["number"], round_["tally"]
    found = []
    if len(round_["ballots"]) != stored["ballots"]:
        found.append((f"vòng {number}: có {len(round_['ballots'])} phiếu, kết quả ghi {stored['ballots']}",
                      f"round {number}: {len(round_['ballots'])} ballots, tally says {stored['ballots']}"))
    try:
        decryption = record.combined(round_)
    except Unavailable as exc:
        return [*found, (exc.vi, exc.en)]
    for question in [q["id"] for q in round_["questions"]]:
        counted = decryption.counts.get(question)
        counted = {level: counted[level] for level in LEVELS} if counted is not None else None
        if stored["votes"].get(question) != counted:
            found.append((
                f"vòng {number}, {subject(round_, question)}: giải mã được {votes(counted)}, "
                f"đã ghi {votes(stored['votes'].get(question))}",
                f"round {number}, question {question}: decrypted {votes(counted)}, "
                f"stored {votes(stored['votes'].get(question))}",
            ))
    extra = set(stored["votes"]) - {q["id"] for q in round_["questions"]}
    if extra:
        found.append((f"vòng {number}: kết quả có {len(extra)} mục không thuộc phiếu vòng này",
                      f"round {number}: tally has unknown questions {sorted(extra)}"))
    return found

