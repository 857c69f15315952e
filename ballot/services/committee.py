"""The đảng ủy's workspace (docs/committee-bundle.md, “The workspace”): register its chi
bộ and their keys, receive and verify their bundles, record its decisions, and certify
the signed committee bundle that goes up to the cấp trên.

Each use case is one transaction: a bundle refused for any reason leaves the database
exactly as it was (nothing half-imported). Verification is `ballot verify`'s, with the
key the chi bộ registered (ballot.report.verify.verify_bundle); the đảng bộ's proposal
is the pure rules' (ballot.rules.committee) through ballot.report.committee.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ballot import __version__
from ballot.config import Settings
from ballot.report import bundle as chi_bo_format
from ballot.report import committee as committee_format
from ballot.report.canonical import BundleFormatError, bundle_hash_text, dump_bundle, load_bundle
from ballot.report.committee_documents import committee_pdf, committee_xlsx
from ballot.report.verify import TITLES, normalise_fingerprint, verify_bundle
from ballot.rules.committee import PERCENTS, member_key
from ballot.rules.levels import Level
from ballot.rules.model import OrganisationKind
from ballot.rules.profiles import profile_names
from ballot.services.certification_key import KeyState, ensure_key, signing_key
from ballot.services.errors import ServiceError, conflict, unauthorised
from ballot.services.hosts import MIN_PASSWORD_LENGTH, hash_password, new_token, password_matches, token_digest
from ballot.store.committee import (
    Branch,
    BranchKey,
    Certification,
    Clerk,
    ClerkSession,
    Committee,
    CommitteeStore,
    Decision,
    ImportedBundle,
)
from ballot.store.db import sqlite_path

FINGERPRINT = re.compile(r"[0-9A-F]{64}")
OUTBOX = "committee-out"  # <data>/committee-out/<issue>/: what the web area certified
ISSUE_NAME = re.compile(r"\d{8}-\d{6}(-\d{1,3})?")
DOCUMENTS = {"json": "dang-uy.json", "pdf": "dang-uy.pdf", "xlsx": "dang-uy.xlsx"}


@dataclass(frozen=True)
class ImportResult:
    file: str
    accepted: bool
    check: str  # the failing check's name ("" when accepted)
    message: str  # Vietnamese: what was accepted, or why refused
    branch: str | None = None
    sha256: str | None = None
    # A bundle refused because its key (or its chi bộ) is not registered: the signer's
    # fingerprint and the organisation the bundle names, for the clerk to compare with
    # the chi bộ's own record and register if they match.
    unregistered_fingerprint: str | None = None
    unregistered_kind: str | None = None


def _refuse(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 400)


def _text(value: str, what: str, limit: int = 200) -> str:
    value = unicodedata.normalize("NFC", value.strip())
    if not value:
        raise _refuse("invalid_field", f"{what}: không được để trống.")
    if len(value) > limit or any(unicodedata.category(c) == "Cc" for c in value):
        raise _refuse("invalid_field", f"{what}: quá dài hoặc có ký tự điều khiển.")
    return value


def fingerprint_text(value: str) -> str:
    """A fingerprint as typed (spaces, colons, case ignored) in the bundles' spelling."""
    digits = normalise_fingerprint(value)
    if not FINGERPRINT.fullmatch(digits):
        raise _refuse("invalid_field", "Dấu vân tay: cần 64 chữ số thập lục phân (SHA-256), "
                                       "như “ballot keys show” của chi bộ in ra.")
    return " ".join(digits[i:i + 4] for i in range(0, 64, 4))


class CommitteeWorkspace:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = CommitteeStore(settings.committee_database)

    def close(self) -> None:
        self.store.close()

    # --- init and registry --------------------------------------------------------

    def init(self, name: str, profile: str, cap_percent: int = 20) -> KeyState:
        name = _text(name, "Tên đảng ủy")
        if profile not in profile_names():
            raise _refuse("invalid_field", f"Hồ sơ quy tắc: “{profile}” không có; chọn một trong "
                                           f"{', '.join(profile_names())}.")
        if cap_percent not in PERCENTS or (cap_percent != 20 and profile == "21-HD-2019"):
            raise _refuse("invalid_field", "Tỷ lệ giới hạn: 20, hoặc 25 theo hồ sơ 366-2025 "
                                           "khi cấp có thẩm quyền cho phép.")
        self.store.create()
        with self.store.session() as s:
            if s.scalar(select(Committee)) is not None:
                raise ServiceError("committee_exists", "Thư mục này đã có không gian làm việc "
                                                       "của đảng ủy.", 409)
            s.add(Committee(name=name, kind=committee_format.COMMITTEE_KIND, profile=profile,
                            cap_percent=cap_percent))
        return ensure_key(self.settings)

    def committee(self) -> Committee:
        if not self.store.exists():
            raise ServiceError("no_committee", "Chưa có không gian làm việc của đảng ủy ở thư mục "
                                               "này; chạy “ballot committee init” trước.", 409)
        with self.store.session() as s:
            committee = s.scalar(select(Committee))
        if committee is None:
            raise ServiceError("no_committee", "Chưa có không gian làm việc của đảng ủy.", 409)
        return committee

    def register(self, branch: str, fingerprint: str, kind: str = "chi_bo_truc_thuoc",
                 confirmation: str = "") -> dict[str, Any]:
        """A chi bộ and (one more of) its signer fingerprints; the confirmation is
        recorded: how the clerk checked the fingerprint against the chi bộ's record."""
        self.committee()
        name = _text(branch, "Tên chi bộ")
        printed = fingerprint_text(fingerprint)
        if kind not in {k.value for k in OrganisationKind}:
            raise _refuse("invalid_field", f"Loại tổ chức: “{kind}” không có.")
        note = confirmation.strip() or "Nhập tay từ bản in “ballot keys show” của chi bộ."
        with self.store.session() as s:
            row = s.scalar(select(Branch).where(Branch.name == name))
            if row is None:
                row = Branch(name=name, kind=kind)
                s.add(row)
                s.flush()
            elif row.kind != kind:
                raise _refuse("kind_differs", f"Chi bộ “{name}” đã đăng ký với loại {row.kind}.")
            existing = s.scalar(select(BranchKey).where(BranchKey.fingerprint == printed))
            if existing is not None:
                owner = s.get(Branch, existing.branch_id)
                if owner.id != row.id:
                    raise ServiceError("key_of_another_branch", f"Dấu vân tay {printed} đã được "
                                       f"đăng ký cho “{owner.name}”.", 409)
                return {"branch": name, "fingerprint": printed, "new": False}
            s.add(BranchKey(branch_id=row.id, fingerprint=printed, confirmation=note))
        return {"branch": name, "fingerprint": printed, "new": True}

    def registry(self) -> dict[str, list[str]]:
        """The signer fingerprints registered, by chi bộ name (for /verify's signer check)."""
        return {branch["name"]: branch["fingerprints"] for branch in self.branches()}

    def branches(self) -> list[dict[str, Any]]:
        with self.store.session() as s:
            rows = s.scalars(select(Branch).order_by(Branch.id)).all()
            keys = s.scalars(select(BranchKey).order_by(BranchKey.id)).all()
        return [{"name": b.name, "kind": b.kind,
                 "fingerprints": [k.fingerprint for k in keys if k.branch_id == b.id]}
                for b in rows]

    # --- import ---------------------------------------------------------------------

    def import_file(self, file: str, data: bytes) -> ImportResult:
        """Verify one bundle in full and keep it, or refuse it naming the check;
        in one transaction, so that a refusal stores nothing."""
        committee = self.committee()
        try:
            bundle = load_bundle(data)
        except BundleFormatError as exc:
            return ImportResult(file, False, "format", f"{TITLES['format'][0]}: {exc.message_vi}")
        if bundle.get("format") not in chi_bo_format.FORMATS:  # format 2: docs/bundle.md, “Format 2”
            known = " hay ".join(f"“{name}”" for name in chi_bo_format.FORMATS)
            return ImportResult(file, False, "format", f"{TITLES['format'][0]}: không phải gói "
                                f"{known} (format = {bundle.get('format')!r}).")
        try:
            # Verification (most of the cost) runs outside any transaction, so that the
            # database is never locked while a large bundle is checked; the registry is
            # read again in the writing transaction, which also re-checks duplicates.
            with self.store.session() as s:
                fingerprint = self._registered(s, file, bundle)[1].fingerprint
            report = verify_bundle(data, expected_fingerprint=fingerprint)
            with self.store.session() as s:
                return self._import(s, committee, file, data, bundle, report)
        except _Refused as refused:
            return refused.result
        except IntegrityError:
            return ImportResult(file, False, "duplicate", "Gói đã được nhận trước đó (trùng mã băm).")

    def _registered(self, s, file: str, bundle: dict[str, Any]) -> tuple[Branch, BranchKey]:
        """The registered chi bộ the bundle names and the key it was signed with, or a
        refusal: an unknown organisation, an unregistered key (its fingerprint shown, to
        confirm against the chi bộ's record), or another chi bộ's key."""
        signer = bundle.get("signer") if isinstance(bundle.get("signer"), dict) else {}
        organisation = bundle.get("organisation") if isinstance(bundle.get("organisation"),
                                                                 dict) else {}
        name = organisation.get("name")
        printed = signer.get("fingerprint")
        branch = s.scalar(select(Branch).where(Branch.name == name)) if isinstance(name, str) \
            else None
        key = s.scalar(select(BranchKey).where(BranchKey.fingerprint == printed)) \
            if isinstance(printed, str) else None
        signer_title = TITLES["signer"][0]
        unknown = _unregistered(printed if key is None else None, organisation.get("kind"))
        if branch is None:
            raise _refused(file, "organisation", f"Tổ chức trong gói: “{name}” không phải chi bộ "
                           "đã đăng ký với đảng ủy; nếu đúng là chi bộ trực thuộc, hãy đăng ký chi bộ "
                           "và khóa của chi bộ rồi nhận lại gói.", name if isinstance(name, str) else None,
                           unknown)
        if key is None:
            raise _refused(file, "signer", f"{signer_title}: khóa ký {printed} chưa được đăng ký "
                           f"cho “{name}”. Hãy đối chiếu dấu vân tay này với bản “ballot keys show” "
                           "của chi bộ; nếu khớp, đăng ký khóa này cho chi bộ rồi nhận lại gói.", name,
                           _unregistered(printed, branch.kind))
        if key.branch_id != branch.id:
            owner = s.get(Branch, key.branch_id)
            raise _refused(file, "signer", f"{signer_title}: gói mang tên “{name}” nhưng được ký "
                           f"bằng khóa của “{owner.name}” ({printed}).", name)
        return branch, key

    def _import(self, s, committee: Committee, file: str, data: bytes,
                bundle: dict[str, Any], report) -> ImportResult:
        branch, key = self._registered(s, file, bundle)  # still registered, to this chi bộ
        name = branch.name
        if not report.ok:
            failure = report.first_failure
            raise _refused(file, failure.name, f"{failure.title_vi}: {failure.detail_vi}", name)
        if bundle["profile"] != committee.profile:
            raise _refused(file, "profile", f"Hồ sơ quy tắc: gói theo “{bundle['profile']}”, đảng "
                           f"ủy năm nay theo “{committee.profile}”.", name)
        kind = bundle["organisation"]["kind"]
        if kind != branch.kind:
            raise _refused(file, "organisation", f"Loại tổ chức: gói ghi “{kind}”, chi bộ đã đăng "
                           f"ký là “{branch.kind}”.", name)
        digest = report.bundle_hash
        if s.scalar(select(ImportedBundle).where(ImportedBundle.sha256 == digest)) is not None:
            raise _refused(file, "duplicate", f"Gói đã được nhận trước đó (trùng mã băm {digest}).",
                           name)
        s.add(ImportedBundle(branch_id=branch.id, sha256=digest, signer_fingerprint=key.fingerprint,
                             file_name=Path(file).name[:300], content=data))
        s.flush()
        members = len(bundle["roster"])
        return ImportResult(file, True, "", f"Đã nhận gói của “{name}” ({members} đảng viên), mã "
                            f"băm {digest}.", name, digest)

    # --- the proposal, decisions ---------------------------------------------------

    def _bundles(self) -> list[dict[str, Any]]:
        with self.store.session() as s:
            rows = s.scalars(select(ImportedBundle).order_by(ImportedBundle.id)).all()
        return [load_bundle(r.content) for r in rows]

    def _decisions(self) -> list[dict[str, Any]]:
        with self.store.session() as s:
            rows = s.scalars(select(Decision).order_by(Decision.id)).all()
        return [{"branch": d.branch_name,
                 "member_id": d.member_key,
                 "level": d.level,
                 "reason": d.reason,
                 "decided_at": _time(d.decided_at)} for d in rows]

    def _kinds(self) -> dict[str, str]:
        return {b["name"]: b["kind"] for b in self.branches()}

    def report(self, with_decisions: bool = True) -> dict[str, Any]:
        """The đảng bộ's proposal (`ballot committee report`): `level` is the đảng ủy's
        decision where recorded, else the level after the đảng bộ-wide cap."""
        committee = self.committee()
        sections = committee_format.proposal_sections(
            committee.profile, committee.cap_percent, self._bundles(),
            self._decisions() if with_decisions else [], self._kinds())
        return {"committee": committee.name, "profile": committee.profile, **sections}

    def decide(self, branch: str, member_id: str | None, level: str, reason: str) -> dict:
        """The đảng ủy's decision on a member (or, member_id None, on a chi bộ's own
        level): recorded, replacing an earlier one; a reason is required where the level
        is not the proposal's."""
        try:
            chosen = Level(level)
        except ValueError:
            raise _refuse("invalid_field", "Mức xếp loại: HTXSNV, HTTNV, HTNV hoặc KHTNV.") from None
        current = self.report(with_decisions=False)
        if member_id is None:
            target = next((b for b in current["branches"] if b["name"] == branch), None)
            what = f"chi bộ “{branch}”"
        else:
            target = next((m for m in current["members"]
                           if m["branch"] == branch and m["id"] == member_id), None)
            what = f"đảng viên {member_key(branch, member_id)}"
        if target is None:
            raise ServiceError("not_found", f"Không có {what} trong các gói đã nhận.", 404)
        proposed = target["level"]
        reason = reason.strip()
        if chosen.value != proposed and not reason:
            raise _refuse("reason_required", f"Lý do: bắt buộc khi đảng ủy quyết định mức khác "
                                             f"đề xuất ({proposed or 'chưa có mức'}).")
        with self.store.session() as s:
            row = s.scalar(select(Decision).where(Decision.branch_name == branch,
                                                  Decision.member_key == member_id))
            if row is None:
                s.add(Decision(branch_name=branch, member_key=member_id, level=chosen.value,
                               reason=reason))
            else:
                row.level, row.reason, row.decided_at = chosen.value, reason, _now()
        return {"target": what, "level": chosen.value, "proposed": proposed}

    # --- certification --------------------------------------------------------------

    def certify(self, resolution: str, out: Path, on: dt.date | None = None) -> dict[str, Any]:
        """Write the signed committee bundle, and beside it the chi bộ bundles it lists
        (a folder for `ballot verify FILE --with FOLDER`), the decision list and the
        statistics (the same name, .pdf and .xlsx)."""
        committee = self.committee()
        resolution = _text(resolution, "Số nghị quyết/quyết định", 100)
        bundles = self._bundles()
        if not bundles:
            raise ServiceError("no_bundles", "Chưa nhận gói nào của chi bộ.", 409)
        pending = self._undecided()
        if pending:
            shown = "; ".join(pending[:10]) + (f"; … (+{len(pending) - 10})" if len(pending) > 10 else "")
            raise ServiceError("undecided", f"Còn {len(pending)} trường hợp đảng ủy chưa quyết định "
                               f"(bằng phiếu, có trong hai gói, hoặc chi bộ chưa có mức): {shown}. "
                               "Ghi quyết định bằng “ballot committee decide” trước khi ký.", 409)
        key = signing_key(self.settings)
        unsigned = committee_format.assemble(
            generator=f"phieukin {__version__}",
            committee={"name": committee.name, "kind": committee.kind,
                       "profile": committee.profile, "cap_percent": committee.cap_percent},
            resolution={"number": resolution, "date": (on or dt.date.today()).isoformat()},
            certified_at=_time(_now()),
            bundles=bundles,
            decisions=self._decisions(),
            kinds=self._kinds(),
        )
        signed = committee_format.sign(unsigned, key)
        report = committee_format.verify_committee_bundle(
            dump_bundle(signed), [(f"{i}.json", dump_bundle(b)) for i, b in enumerate(bundles)])
        if not report.ok:  # never issue what would not verify
            failure = report.first_failure
            raise ServiceError("self_check_failed", f"{failure.title_vi}: {failure.detail_vi}", 500)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(dump_bundle(signed))
        documents = {"pdf": out.with_suffix(".pdf"), "xlsx": out.with_suffix(".xlsx")}
        documents["pdf"].write_bytes(committee_pdf(signed))
        documents["xlsx"].write_bytes(committee_xlsx(signed))
        folder = out.with_name(out.stem + "-chi-bo")
        folder.mkdir(exist_ok=True)
        with self.store.session() as s:
            rows = s.scalars(select(ImportedBundle).order_by(ImportedBundle.id)).all()
            for i, row in enumerate(rows, 1):
                (folder / f"{i:03d}-{row.sha256.replace(' ', '')[:16].lower()}.json").write_bytes(
                    row.content)
            s.add(Certification(resolution=resolution, resolution_date=signed["resolution"]["date"],
                                sha256=report.bundle_hash, summary=signed["totals"]))
        return {"file": str(out), "folder": str(folder), "sha256": report.bundle_hash,
                "bundles": len(bundles), "documents": {k: str(v) for k, v in documents.items()}}

    def issue(self, resolution: str, on: dt.date | None = None) -> dict[str, Any]:
        """`certify` into the web area's outbox, `<data>/committee-out/<UTC time>/`: the
        committee bundle `dang-uy.json`, its `.pdf` and `.xlsx`, and `dang-uy-chi-bo/`."""
        outbox = self.settings.data_dir / OUTBOX
        outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = _now().strftime("%Y%m%d-%H%M%S")
        for n in range(1, 1000):
            folder = outbox / (stamp if n == 1 else f"{stamp}-{n}")
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:
                continue
        else:
            raise ServiceError("busy", "Đang ký quá nhiều lần cùng lúc; hãy thử lại.", 409)
        try:
            self.certify(resolution, folder / DOCUMENTS["json"], on)
        except BaseException:
            for path in sorted(folder.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            folder.rmdir()
            raise
        return self._issued_entry(folder)

    def issued(self) -> list[dict[str, Any]]:
        """What the web area certified, newest first (read from the signed bundles)."""
        outbox = self.settings.data_dir / OUTBOX
        folders = sorted((p for p in outbox.iterdir() if ISSUE_NAME.fullmatch(p.name)
                          and (p / DOCUMENTS["json"]).is_file()), reverse=True) if outbox.is_dir() else []
        return [self._issued_entry(folder) for folder in folders]

    def _issued_entry(self, folder: Path) -> dict[str, Any]:
        bundle = json.loads((folder / DOCUMENTS["json"]).read_bytes())
        return {"name": folder.name, "resolution": bundle["resolution"],
                "certified_at": bundle["certified_at"], "bundles": len(bundle["bundles"]),
                "sha256": bundle_hash_text(bundle)}

    def issued_file(self, name: str, kind: str) -> tuple[bytes, str]:
        """One document of a certification the web area issued, and a file name for it."""
        path = self.settings.data_dir / OUTBOX / name / DOCUMENTS.get(kind, "")
        if not ISSUE_NAME.fullmatch(name) or kind not in DOCUMENTS or not path.is_file():
            raise ServiceError("not_found", "Không có tài liệu này trong các lần ký của đảng ủy.", 404)
        return path.read_bytes(), f"dang-uy-{name}.{kind}"

    # --- the web area's clerk accounts (docs/committee-bundle.md, “The web area”) ---------

    def add_clerk(self, username: str, password: str) -> str:
        self.committee()
        self.store.create()  # the clerk tables, on a workspace made before they existed
        username = _text(username, "Tên đăng nhập", 64)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise _refuse("weak_password", f"Mật khẩu: ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
        try:
            with self.store.session() as s:
                if s.scalar(select(Clerk.id).where(Clerk.username == username)) is not None:
                    raise conflict("username_taken", f"Tên đăng nhập “{username}” đã có.")
                s.add(Clerk(username=username, password_hash=hash_password(password)))
        except IntegrityError:
            raise conflict("username_taken", f"Tên đăng nhập “{username}” đã có.") from None
        return username

    def clerk_login(self, username: str, password: str) -> str:
        """A new login token for the clerk, or 401 (the same for a wrong name or password)."""
        with self.store.session() as s:
            clerk = s.scalar(select(Clerk).where(Clerk.username == username))
            if not password_matches(clerk.password_hash if clerk else None, password):
                raise unauthorised("bad_credentials", "Sai tên đăng nhập hoặc mật khẩu.")
            token = new_token()
            s.add(ClerkSession(token_digest=token_digest(token), clerk_id=clerk.id))
        return token

    def clerk_of_token(self, token: str) -> str | None:
        """The username of the clerk whose login this is, if it is still open."""
        with self.store.session() as s:
            found = s.get(ClerkSession, token_digest(token))
            return None if found is None else s.get(Clerk, found.clerk_id).username

    def clerk_logout(self, token: str) -> None:
        with self.store.session() as s:
            s.execute(delete(ClerkSession).where(ClerkSession.token_digest == token_digest(token)))

    def _undecided(self) -> list[str]:
        """What only the đảng ủy can settle and has not: ties at either cap, members in
        two bundles, chi bộ without a level."""
        report = self.report()
        found = [member_key(m["branch"], m["id"]) for m in report["members"]
                 if m["status"] in ("tie", "conflict") and not m["decided"]]
        return found + [b["name"] for b in report["branches"] if b["level"] is None]


class _Refused(Exception):
    """Raised inside the import's transactions, so that they roll back."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(result.message)
        self.result = result


def _refused(file: str, check: str, message: str, branch: str | None = None,
             unknown: tuple[str | None, str | None] = (None, None)) -> _Refused:
    return _Refused(ImportResult(file, False, check, message, branch, None, *unknown))


def _unregistered(printed: object, kind: object) -> tuple[str | None, str | None]:
    """The signer's fingerprint (in the bundles' spelling) and the organisation's kind as
    the refused bundle states them, when they are well formed; else nothing to offer."""
    try:
        fingerprint = fingerprint_text(printed) if isinstance(printed, str) else None
    except ServiceError:
        fingerprint = None
    kinds = {k.value for k in OrganisationKind}
    return fingerprint, kind if fingerprint and kind in kinds else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_workspace(settings: Settings) -> CommitteeWorkspace | None:
    """The workspace in this installation's data directory, its missing tables made
    (create_all: the clerk tables on an older workspace); None when there is none, and
    then nothing is created to find out."""
    path = sqlite_path(settings.committee_database)
    if path is not None and not path.exists():
        return None
    workspace = CommitteeWorkspace(settings)
    if not workspace.store.exists():
        workspace.close()
        return None
    workspace.store.create()
    return workspace
