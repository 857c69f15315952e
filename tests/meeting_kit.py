"""Test helpers acting as the host and as phones, over the real JSON API."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization

from ballot.config import load_settings
from ballot.crypto import blind_rsa
from ballot.crypto.canonical import canonical_json
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.server import Server, build

HOST_USER, HOST_PASSWORD = "bithu", "mat-khau-dai-1"
REVIEW_DATE = dt.date(2026, 12, 15)

ROSTER = [
    {"id": "m01", "name": "Nguyễn Văn An", "status": "chinh_thuc", "admitted_on": "2001-05-19",
     "self_level": "HTXSNV", "committee_level": "HTTNV", "role": "Bí thư chi bộ"},
    {"id": "m02", "name": "Trần Thị Bình", "status": "chinh_thuc", "admitted_on": "2005-03-02",
     "self_level": "HTTNV", "committee_level": "HTTNV"},
    {"id": "m03", "name": "Lê Đức Cường", "status": "chinh_thuc", "admitted_on": "2010-09-01",
     "self_level": "HTTNV", "committee_level": "HTNV"},
    {"id": "m04", "name": "Phạm Thu Dung", "status": "du_bi", "admitted_on": "2026-01-10",
     "self_level": "HTNV", "committee_level": "HTNV"},
    {"id": "m05", "name": "Hoàng Minh Đạt", "status": "chinh_thuc", "admitted_on": "2012-11-20",
     "disciplined_this_year": True},
]


class LoggedIn:
    """A client logged in at `login_path`, sending its CSRF token with every call (the
    host on /api/host, the đảng ủy's clerk on /api/committee)."""

    def __init__(self, client, login_path: str, username: str, password: str) -> None:
        self.client = client
        answer = client.post(login_path, json={"username": username, "password": password})
        assert answer.status_code == 200, answer.get_json()
        self.csrf = answer.get_json()["csrf_token"]

    def call(self, method: str, path: str, **kwargs):
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def ok(self, method: str, path: str, **kwargs) -> Any:
        answer = self.call(method, path, **kwargs)
        assert answer.status_code in (200, 201), (path, answer.status_code, answer.get_json())
        return answer.get_json()


class Host(LoggedIn):
    def __init__(self, client) -> None:
        super().__init__(client, "/api/host/login", HOST_USER, HOST_PASSWORD)

    def new_meeting(self, roster: list[dict[str, Any]] = ROSTER, **fields: Any) -> dict[str, Any]:
        meeting = self.ok("POST", "/api/host/meetings", json={
            "branch_name": "Chi bộ Phòng Tổng hợp", "title": "Kiểm điểm cuối năm 2026",
            "date": REVIEW_DATE.isoformat(), "profile": "21-HD-2019",
            "organisation_kind": "chi_bo_truc_thuoc", **fields,
        })
        self.ok("POST", f"/api/host/meetings/{meeting['meeting']['id']}/roster", json={"members": roster})
        return self.state(meeting["meeting"]["id"])

    def mark_present(self, meeting_id: str, *keys: str) -> dict[str, Any]:
        for key in keys:
            self.ok("POST", f"/api/host/meetings/{meeting_id}/presence",
                    json={"member_id": key, "present": True, "absent_with_leave": False})
        return self.state(meeting_id)

    def state(self, meeting_id: str) -> dict[str, Any]:
        """The console's state, with each member's personal code added from the
        slips' endpoint (the state itself never carries them)."""
        state = self.ok("GET", f"/api/host/meetings/{meeting_id}")
        codes = {m["id"]: m["personal_code"]
                 for m in self.ok("GET", f"/api/host/meetings/{meeting_id}/personal-codes")["members"]}
        for member in state["members"]:
            member["personal_code"] = codes[member["id"]]
        return state

    def run_round(self, meeting_id: str, kind: str = "classification", **body: Any) -> str:
        created = self.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": kind, **body})
        self.ok("POST", f"/api/host/rounds/{created['id']}/open")
        return created["id"]


@dataclass
class Phone:
    """A member's phone: its own cookie jar, and the client half of the protocol."""

    client: Any
    anonymous: Any  # a second client with no cookie, for casting
    member: dict[str, Any] = field(default_factory=dict)
    signed: dict[str, str] | None = None
    blinding: dict[str, Any] | None = None  # the last blinded ballot, to ask for its signature again

    def join(self, meeting_code: str, personal_code: str) -> Any:
        answer = self.client.post("/api/join", json={"meeting_code": meeting_code,
                                                     "personal_code": personal_code})
        if answer.status_code == 200:
            self.member = answer.get_json()["member"]
        return answer

    def state(self) -> dict[str, Any]:
        """The phone's state with its round's ballot form, as phone.js puts them together."""
        answer = self.client.get("/api/state")
        assert answer.status_code == 200, answer.get_json()
        state = answer.get_json()
        if state["round"]:
            form = self.client.get(f"/api/rounds/{state['round']['id']}/form")
            assert form.status_code == 200, form.get_json()
            state["round"] = {**form.get_json(), **state["round"]}
        return state

    def prepare_ballot(self, choices: dict[str, str]) -> Any:
        """Build and blind a ballot, and ask for its signature; returns the answer."""
        state = self.state()
        round_ = state["round"]
        public_key = serialization.load_pem_public_key(round_["public_key"]["spki_pem"].encode())
        text = canonical_json({"round": round_["id"], "choices": choices,
                               "nonce": b64url_encode(secrets.token_bytes(16))})
        prefix, prepared = blind_rsa.prepare(text)
        blinded, inv = blind_rsa.blind(public_key, prepared)
        self.blinding = {"round": round_["id"], "key": public_key, "text": text, "prefix": prefix,
                         "prepared": prepared, "blinded": blinded, "inv": inv}
        return self.ask_signature()

    def ask_signature(self) -> Any:
        """Send the blinded ballot (again, after a lost answer) and, if signed, keep the
        signed ballot ready to cast."""
        b = self.blinding
        answer = self.client.post(f"/api/rounds/{b['round']}/sign", json={"blinded": b64url_encode(b["blinded"])})
        if answer.status_code == 200:
            blind_sig = b64url_decode(answer.get_json()["blind_signature"])
            signature = blind_rsa.finalize(b["key"], b["prepared"], blind_sig, b["inv"])
            self.signed = {"ballot": b["text"].decode(), "prefix": b64url_encode(b["prefix"]),
                           "signature": b64url_encode(signature), "round": b["round"]}
        return answer

    def cast(self) -> Any:
        assert self.signed is not None
        body = {k: v for k, v in self.signed.items() if k != "round"}
        return self.anonymous.post(f"/api/rounds/{self.signed['round']}/ballots", json=body)

    def vote(self, choices: dict[str, str]) -> str:
        assert self.prepare_ballot(choices).status_code == 200
        answer = self.cast()
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["tracking_code"]


class HttpClient:
    """The slice of Flask's test client that tests/meeting_kit.Phone uses, over HTTP."""

    def __init__(self, base: str, cookies: bool = True) -> None:
        self.base = base
        self.session = requests.Session() if cookies else None

    def _send(self, method: str, path: str, **kwargs):
        sender = self.session.request if self.session else requests.request
        answer = sender(method, self.base + path, timeout=30, **kwargs)
        answer.get_json = answer.json
        return answer

    def get(self, path: str, **kwargs):
        return self._send("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self._send("POST", path, **kwargs)

    def open(self, path: str, method: str = "GET", **kwargs):
        """As Flask's test client's `open`: for tests/meeting_kit.Host over HTTP."""
        return self._send(method, path, **kwargs)


def new_server(data_dir: Path, database_url: str = "") -> Server:
    server = build(load_settings(data_dir, database_url=database_url or None), testing=True)
    server.services.create_host(HOST_USER, HOST_PASSWORD)
    return server


def phone_for(server: Server, meeting: dict[str, Any], key: str) -> Phone:
    phone = Phone(server.app.test_client(), server.app.test_client(use_cookies=False))
    code = next(m["personal_code"] for m in meeting["members"] if m["id"] == key)
    assert phone.join(meeting["meeting"]["code"], code).status_code == 200
    return phone


def database_at_revision(path: Path, revision: str):
    """A SQLite database migrated up to `revision` only, holding one meeting written as
    that schema had it: the starting point of a migration test. Returns its engine."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from ballot.store import db

    engine = db.make_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(db.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.execute(text("INSERT INTO host_account (id, username, password_hash, created_at) "
                          "VALUES (1, 'bithu', 'x', '2026-12-01 08:00:00')"))
        conn.execute(text(
            "INSERT INTO meeting (id, code, host_id, branch_name, title, review_date, profile, denominator, "
            "thresholds, organisation_kind, organisation_disciplined, state, created_at) VALUES "
            "('a' || hex(randomblob(15)), 'ABCDEFGH', 1, 'Chi bộ A', 'Họp', '2026-12-15', '21-HD-2019', "
            "'entitled', '{}', 'chi_bo_co_so', 0, 'open', '2026-12-01 08:00:00')"))
    return engine
