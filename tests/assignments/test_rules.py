"""From a domain's configuration to the engine's terms: the house's zone and day."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
RULE_KEYS = ("type", "severity", "max", "group", "target", "participants")
RULE = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(
            ["max_assignments_per_participant", "group_exclusion", "never_together", "x"]
        )
        | JSON,
        "severity": st.sampled_from(["error", "warning"]) | JSON,
        "max": st.integers(0, 3) | JSON,
        "group": st.sampled_from(["A"]) | JSON,
        "target": st.sampled_from(["Bath", "t1"]) | JSON,
        "participants": st.lists(st.sampled_from(["Ana", "Bo", "p1"]), max_size=3) | JSON,
    },
)
PERSON = {"Ana": "p1", "p1": "p1", "Bo": "p2", "p2": "p2"}  # name or id → the person
SEVERITY = {"severity": st.sampled_from(["error", "warning"])}
NAMES = st.sampled_from(["Ana", "Bo", "p1", "p2", "Cy"])
READABLE_RULE = (
    st.fixed_dictionaries(
        {"type": st.just("max_assignments_per_participant"), "max": st.integers(1, 3)},
        optional=SEVERITY,
    )
    | st.fixed_dictionaries(
        {"type": st.just("group_exclusion"), "group": st.just("A"), "target": st.just("Bath")},
        optional=SEVERITY,
    )
    | st.fixed_dictionaries(
        {"type": st.just("never_together"), "participants": st.lists(NAMES, max_size=3)},
        optional=SEVERITY,
    )
)
CONFIGURATION = st.fixed_dictionaries(
    {},
    optional={
        "default_strategy": st.sampled_from(["optimal", "balanced_rotation"]) | JSON,
        "strategy_parameters": st.dictionaries(st.sampled_from(["seed"]), JSON) | JSON,
        "constraints": st.fixed_dictionaries(
            {}, optional={"max_assignments_per_participant": st.integers(0, 3) | JSON}
        )
        | JSON,
        "validators": JSON,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    configuration=CONFIGURATION | JSON,
    business_rules=st.lists(READABLE_RULE, max_size=4) | st.lists(RULE | JSON) | JSON,
)
def test_stored_house_data_builds_rules_or_is_a_clear_422(
    configuration: Any, business_rules: Any
) -> None:
    """Whatever another program stored as a house's configuration and rules, the run's
    rules are built or refused with ValidationFailed (a 422), never another error (a
    500). When built, each readable rule of severity "error" (as the README defines
    them: a max with its number, a group exclusion naming a group and a task, a
    never-together naming people) stands in the run's constraints."""
    domain = domain_row(configuration, business_rules)
    people = [Participant("p1", "Ana"), Participant("p2", "Bo")]
    try:
        rules = build_rules(
            strategy=None,
            parameters={},
            constraints=[],
            validators=None,
            seed=None,
            domain=domain,
            participants=people,
            targets=[Target("t1", "Bath")],
        )
    except ValidationFailed:
        return
    stated = business_rules if isinstance(business_rules, list) else []
    enforced = [r for r in stated if r.get("severity", "error") == "error"]  # all dicts here
    kinds = [c["name"] for c in rules.constraints_raw]
    groups = [
        r
        for r in enforced
        if r.get("type") == "group_exclusion" and str(r["target"]) in ("Bath", "t1")
    ]
    assert kinds.count("group_exclusion") == len(groups)
    apart = [
        r
        for r in enforced
        if r.get("type") == "never_together"
        and len({PERSON[str(p)] for p in r["participants"] if str(p) in PERSON}) >= 2
    ]
    assert kinds.count("must_not_be_together") == len(apart)
