"""`assignments.rules` on what the database stores: a domain's configuration and business
rules, its people and tasks, turned into the run's rules, house and group check."""

from datetime import date, timedelta

import pytest

from tests.factories import make_domain, make_participant, make_target
from vividshift.assignments.rules import build_rules, group_rule_check, house_of, run_window
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.domains.rows import DomainRow
from vividshift.engine import Participant, Target, participant_from_mapping, target_from_mapping
from vividshift.errors import ValidationFailed

CONFIGURATION = {
    "timezone": "Pacific/Auckland",
    "default_strategy": "optimal",
    "strategy_parameters": {"rotation_weight": 0.7, "seed": 11},
    "constraints": {"max_assignments_per_participant": 2},
}
BUSINESS_RULES = [
    {"type": "group_exclusion", "group": "B", "target": "Bathroom"},
    {"type": "never_together", "participants": ["Ana", "Ben"]},
    {"type": "never_together", "participants": ["Ana", "Nobody"]},
    {"type": "group_exclusion", "group": "A", "target": "Kitchen", "severity": "warning"},
]


async def stored_house(
    db: Connection,
) -> tuple[DomainRow, list[Participant], list[Target]]:
    """A domain with rules, read back from the database with its people and tasks."""
    made = await make_domain(db, configuration=CONFIGURATION, business_rules=BUSINESS_RULES)
    for name, group in (("Ana", "A"), ("Ben", "B"), ("Cy", "B")):
        await make_participant(db, name=name, domain_id=made["id"], metadata={"group": group})
    for name in ("Bathroom", "Kitchen"):
        await make_target(db, name=name, required_count=1, domain_id=made["id"])
    domain = await domain_queries.get_domain(db, made["id"])
    assert domain is not None
    people = await (
        await db.execute(
            "SELECT * FROM participants WHERE domain_id = %s ORDER BY name", (made["id"],)
        )
    ).fetchall()
    tasks = await (
        await db.execute(
            "SELECT * FROM assignment_targets WHERE domain_id = %s ORDER BY name", (made["id"],)
        )
    ).fetchall()
    return (
        domain,
        [participant_from_mapping(p) for p in people],
        [target_from_mapping(t) for t in tasks],
    )


def by_name(items: list[Participant] | list[Target]) -> dict[str, str]:
    return {i.name: i.id for i in items}


async def test_stored_rules_resolve_names_to_the_runs_ids(db: Connection) -> None:
    domain, people, tasks = await stored_house(db)
    rules = build_rules(
        strategy=None,
        parameters={},
        constraints=[],
        validators=None,
        seed=None,
        domain=domain,
        participants=people,
        targets=tasks,
    )
    ids, task_ids = by_name(people), by_name(tasks)
    assert rules.strategy == "optimal"
    assert rules.seed == 11  # from the stored strategy parameters
    assert [(c["name"], c["parameters"]) for c in rules.constraints_raw] == [
        ("max_assignments_per_participant", {"max": 2}),
        ("group_exclusion", {"group": "B", "targets": [task_ids["Bathroom"]]}),
        ("must_not_be_together", {"participants": [ids["Ana"], ids["Ben"]]}),
    ]
    assert all(c["source"] == "domain" for c in rules.constraints_raw)
    assert "domain rule group_exclusion of severity warning not enforced" in rules.notes
    assert "domain constraint must_not_be_together names nothing of this run" in rules.notes


async def test_the_request_overrides_the_stored_limit_and_parameters(db: Connection) -> None:
    domain, people, tasks = await stored_house(db)
    rules = build_rules(
        strategy="balanced_rotation",
        parameters={"seed": 3},
        constraints=[
            {
                "name": "max_assignments_per_participant",
                "constraint_type": "limit",
                "parameters": {"max": 1},
            }
        ],
        validators=None,
        seed=None,
        domain=domain,
        participants=people,
        targets=tasks,
    )
    assert rules.strategy == "balanced_rotation"
    assert rules.parameters["rotation_weight"] == 0.7 and rules.seed == 3
    limits = [c for c in rules.constraints_raw if c["name"] == "max_assignments_per_participant"]
    assert limits == [
        {
            "name": "max_assignments_per_participant",
            "constraint_type": "limit",
            "parameters": {"max": 1},
            "source": "request",
        }
    ]


async def test_a_stored_unknown_strategy_is_refused(db: Connection) -> None:
    made = await make_domain(db, configuration={"default_strategy": "alphabetical"})
    domain = await domain_queries.get_domain(db, made["id"])
    with pytest.raises(ValidationFailed, match="Unknown strategy"):
        build_rules(
            strategy=None,
            parameters={},
            constraints=[],
            validators=None,
            seed=None,
            domain=domain,
            participants=[],
            targets=[],
        )


async def test_group_rule_check_on_stored_groups_and_rules(db: Connection) -> None:
    domain, people, tasks = await stored_house(db)
    rules = build_rules(
        strategy=None,
        parameters={},
        constraints=[],
        validators=None,
        seed=None,
        domain=domain,
        participants=people,
        targets=tasks,
    )
    ids, task_ids = by_name(people), by_name(tasks)
    breach = group_rule_check(
        people, tasks, rules.constraints, [(ids["Ben"], task_ids["Bathroom"])]
    )
    assert (breach.severity, breach.passed) == ("error", False)
    assert breach.messages == ("Ben (group B) may not do Bathroom",)
    # The warning-level rule (group A off the kitchen) is not enforced.
    fine = group_rule_check(
        people,
        tasks,
        rules.constraints,
        [(ids["Ana"], task_ids["Kitchen"]), (ids["Ana"], task_ids["Bathroom"])],
    )
    assert fine.passed


async def test_the_stored_time_zone_sets_the_runs_day(db: Connection) -> None:
    domain, _, _ = await stored_house(db)
    house = house_of(domain)
    assert house.timezone == "Pacific/Auckland"
    window = run_window(date(2031, 1, 15), None, None, house)
    # Midnight in Auckland (UTC+13 in January) is 11:00 UTC the day before.
    assert (window.start.date(), window.start.hour) == (date(2031, 1, 14), 11)
    assert window.end - window.start == timedelta(hours=24)
