"""Audit trail: every state change of a meeting, who did it and when.

Never records which ballot: casting is not audited per ballot (its time would
sit beside the signature issuance and link voter to ballot)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ballot.store.models import AuditEvent


def record(session: Session, meeting_id: str | None, actor: str, action: str, **detail: Any) -> None:
    session.add(AuditEvent(meeting_id=meeting_id, actor=actor, action=action, detail=detail))
