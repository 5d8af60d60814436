"""Structured security events: one log record per session-changing action.

Records go to the `vividshift.security` logger with the fields both in the message
(JSON, for plain log files) and as `extra` attributes (for structured handlers). The
callers pass ids, names, roles, addresses and reasons only: never a password, a token
or a token hash.
"""

import json
import logging
from typing import Any
from uuid import UUID

log = logging.getLogger("vividshift.security")

_ALLOWED = {
    "user_id",
    "username",
    "session_id",
    "ip_address",
    "reason",
    "actor_id",
    "role",
    "old_role",
    "count",
    "retry_after",
}


def security_event(event: str, **fields: Any) -> None:
    """Log `event` with `fields` (only the allow-listed, non-secret names)."""
    unknown = set(fields) - _ALLOWED
    if unknown:
        raise ValueError(f"not an allowed security-event field: {sorted(unknown)}")
    values = {k: str(v) if isinstance(v, UUID) else v for k, v in fields.items()}
    payload = {"event": event, **values}
    log.info(json.dumps(payload, default=str), extra={"security_event": payload})
