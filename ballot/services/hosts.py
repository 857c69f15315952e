"""Host accounts: the chairs who run meetings from the console."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ballot.services import audit
from ballot.services.errors import conflict, invalid, unauthorised
from ballot.store.models import HostAccount

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


def username_exists(session: Session, username: str) -> bool:
    return session.scalar(select(HostAccount.id).where(HostAccount.username == username)) is not None
