"""From a domain's configuration to the engine's terms: the house's zone and day."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from vividshift.assignments.rules import House, build_rules, house_of, run_window
from vividshift.domains.rows import DomainRow
from vividshift.engine import Participant, Target
from vividshift.errors import ValidationFailed


def domain_row(configuration: dict[str, Any], business_rules: list[Any] | None = None) -> DomainRow:
    """A domain as the queries return it, with this configuration and these rules."""
    now = datetime.now(UTC)
    return DomainRow(
        id=uuid.uuid4(),
        name="house",
        display_name="House",
        description=None,
        version="1.0.0",
        is_active=True,
        configuration=configuration,
        business_rules=business_rules,
        created_by=None,
        created_at=now,
        updated_at=now,
    )


def test_house_defaults_and_refusals() -> None:
    assert house_of(None) == House("UTC", "available")
    berlin = domain_row({"timezone": "Europe/Berlin", "availability_default": "unavailable"})
    assert house_of(berlin) == House("Europe/Berlin", "unavailable")
    for config in ({"timezone": "Mars/Olympus"}, {"availability_default": "maybe"}):
        with pytest.raises(ValidationFailed):
            house_of(domain_row(config))


@pytest.mark.parametrize(
    ("day", "hours"), [("2026-03-29", 23), ("2026-10-25", 25), ("2026-12-05", 24)]
)
def test_a_run_covers_the_houses_whole_local_day(day: str, hours: int) -> None:
    window = run_window(date.fromisoformat(day), None, None, House("Europe/Berlin"))
    assert window.end - window.start == timedelta(hours=hours)
    # Midnight in Berlin is 23:00 or 22:00 UTC the day before.
    assert window.start.date() == date.fromisoformat(day) - timedelta(days=1)
    assert window.start.hour in (22, 23)


def test_request_overrides_the_domain_and_unknown_names_are_422() -> None:
    domain = domain_row(
        {
            "default_strategy": "optimal",
            "strategy_parameters": {"rotation_weight": 0.9},
            "constraints": {"max_assignments_per_participant": 2},
        },
        [{"type": "group_exclusion", "group": "A", "target": "Bath"}],
    )
    people, tasks = [Participant("p1", "Ana")], [Target("t1", "Bath")]
    rules = build_rules(
        strategy=None,
        parameters={"balance_weight": 0.1},
        constraints=[],
        validators=None,
        seed=None,
        domain=domain,
        participants=people,
        targets=tasks,
    )
    assert rules.strategy == "optimal"
    assert rules.parameters == {"rotation_weight": 0.9, "balance_weight": 0.1}
    assert [c["name"] for c in rules.constraints_raw] == [
        "max_assignments_per_participant",
        "group_exclusion",
    ]
    assert rules.constraints_raw[1]["parameters"]["targets"] == ["t1"]  # name → id
    for bad in (
        {"strategy": "alphabetical"},
        {"constraints": [{"name": "teleport"}]},
        {"constraints": [{"name": "no_repeat", "parameters": {"per_target": 5}}]},
        {"validators": [{"name": "psychic_check"}]},
    ):
        kwargs = {
            "strategy": None,
            "parameters": {},
            "constraints": [],
            "validators": None,
            "seed": None,
            "domain": None,
            "participants": people,
            "targets": tasks,
        } | bad
        with pytest.raises(ValidationFailed):
            build_rules(**kwargs)  # type: ignore[arg-type]
