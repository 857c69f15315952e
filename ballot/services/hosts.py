"""Host accounts: the chairs who run meetings from the console, and their logins.

A login is a random token in the host's cookie; the server keeps its SHA-256, so that
logging out, or changing the password, ends it on every process at once."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ballot.services import audit
from ballot.services.errors import conflict, invalid, unauthorised
from ballot.store.models import HostAccount, HostSession

MIN_PASSWORD_LENGTH = 8


def create_host(session: Session, username: str, password: str) -> HostAccount:
    if not username or len(password) < MIN_PASSWORD_LENGTH:
        raise invalid("weak_password", "Tên đăng nhập không được trống, mật khẩu ít nhất 8 ký tự.")
    host = HostAccount(username=username, password_hash=hash_password(password))
    session.add(host)
    try:
        session.flush()
    except IntegrityError:
        raise conflict("username_taken", "Tên đăng nhập đã có.") from None
    audit.record(session, None, username, "host_created")
    return host


def authenticate(session: Session, username: str, password: str) -> HostAccount:
    host = session.scalar(select(HostAccount).where(HostAccount.username == username))
    if not password_matches(host.password_hash if host else None, password):
        raise unauthorised("bad_credentials", "Sai tên đăng nhập hoặc mật khẩu.")
    return host


def start_session(session: Session, host: HostAccount) -> str:
    token = new_token()
    session.add(HostSession(token_digest=token_digest(token), host_id=host.id))
    return token


def host_of_token(session: Session, token: str) -> int | None:
    found = session.get(HostSession, token_digest(token))
    return found.host_id if found else None


def end_session(session: Session, token: str) -> None:
    session.execute(delete(HostSession).where(HostSession.token_digest == token_digest(token)))


def change_password(session: Session, host: HostAccount, current: str, new: str) -> str:
    """Every login of the host ends; the one asking gets a new token."""
    if not check_password_hash(host.password_hash, current):
        raise unauthorised("bad_credentials", "Mật khẩu hiện tại không đúng.")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise invalid("weak_password", "Mật khẩu mới phải có ít nhất 8 ký tự.", field="new_password")
    host.password_hash = hash_password(new)
    session.execute(delete(HostSession).where(HostSession.host_id == host.id))
    audit.record(session, None, host.username, "password_changed")
    return start_session(session, host)


def hash_password(password: str) -> str:
    """The stored form of a password (Werkzeug's salted scrypt); the đảng ủy's clerk
    accounts use the same (ballot.services.committee)."""
    return generate_password_hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` was made from; with no account (None), a
    hash is still computed, so that timing does not tell which names exist."""
    return check_password_hash(stored or generate_password_hash("-"), password) and stored is not None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()




def username_exists(session: Session, username: str) -> bool:
    return session.scalar(select(HostAccount.id).where(HostAccount.username == username)) is not None
