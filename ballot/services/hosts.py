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
    host = HostAccount(username=username, password_hash=generate_password_hash(password))
    session.add(host)
    try:
        session.flush()
    except IntegrityError:
        raise conflict("username_taken", "Tên đăng nhập đã có.") from None
    audit.record(session, None, username, "host_created")
    return host


def authenticate(session: Session, username: str, password: str) -> HostAccount:
    host = session.scalar(select(HostAccount).where(HostAccount.username == username))
    # Hash even for an unknown name, so timing does not tell which names exist.
    stored = host.password_hash if host else generate_password_hash("-")
    if not check_password_hash(stored, password) or host is None:
        raise unauthorised("bad_credentials", "Sai tên đăng nhập hoặc mật khẩu.")
    return host


def start_session(session: Session, host: HostAccount) -> str:
    token = secrets.token_urlsafe(32)
    session.add(HostSession(token_digest=_digest(token), host_id=host.id))
    return token


def host_of_token(session: Session, token: str) -> int | None:
    found = session.get(HostSession, _digest(token))
    return found.host_id if found else None


def end_session(session: Session, token: str) -> None:
    session.execute(delete(HostSession).where(HostSession.token_digest == _digest(token)))


def change_password(session: Session, host: HostAccount, current: str, new: str) -> str:
    """Every login of the host ends; the one asking gets a new token."""
    if not check_password_hash(host.password_hash, current):
        raise unauthorised("bad_credentials", "Mật khẩu hiện tại không đúng.")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise invalid("weak_password", "Mật khẩu mới phải có ít nhất 8 ký tự.", field="new_password")
    host.password_hash = generate_password_hash(new)
    session.execute(delete(HostSession).where(HostSession.host_id == host.id))
    audit.record(session, None, host.username, "password_changed")
    return start_session(session, host)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def username_exists(session: Session, username: str) -> bool:
    return session.scalar(select(HostAccount.id).where(HostAccount.username == username)) is not None
