"""A domain's stored `configuration.rota` as a `turns.Rota` (422 when absent or unreadable)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from pydantic import ValidationError

from vividshift.assignments.rules import house_of
from vividshift.domains.rows import DomainRow
from vividshift.domains.schemas import RotaConfig
from vividshift.errors import ValidationFailed
from vividshift.rota.turns import Rota, Span


def rota_of(domain: DomainRow) -> Rota:
    """The domain's rota in its time zone; 422 when it has none (or a stored one no longer
    validates)."""
    house = house_of(domain)
    raw = domain.configuration.get("rota")
    if not raw:
        raise ValidationFailed(
            "The domain has no rota: set configuration.rota (every + anchor, or cron)",
            details={"domain": str(domain.name)},
        )
    try:
        config = RotaConfig.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(
            "The domain's stored rota is invalid",
            details=exc.errors(include_url=False, include_context=False),
        ) from None
    return Rota(
        zone=house.timezone,
        every=_span(config.every),
        anchor=config.anchor if isinstance(config.anchor, date) else None,
        handoff=time.fromisoformat(config.handoff),
        cron=config.cron,
        turn_length=_span(config.turn_length),
    )


def _span(raw: Any) -> Span | None:
    return None if raw is None else Span(raw.n, raw.unit)
