"""From a request and a domain's configuration to the engine's Problem.

Precedence: request > domain configuration > engine defaults.
- strategy: `strategy`, else the domain's `default_strategy`, else balanced_rotation;
- parameters: the domain's `strategy_parameters` with the request's `parameters` on top;
- constraints: the domain's (configuration.constraints and business_rules of severity
  "error") plus the request's; a request `max_assignments_per_participant` replaces the
  domain's. Rules of severity "warning" are not enforced (listed in the run's notes);
- validators: the request's list, else the domain's, else all three with defaults.
Targets and participants in rules may be named by id or by name; names are resolved
against the run's targets/participants (a rule naming none of them is skipped).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vividshift.domains.rows import DomainRow, configuration_of
from vividshift.engine import (
    STRATEGIES,
    VALIDATORS,
    Constraint,
    GroupExclusion,
    InvalidParameters,
    InvalidProblem,
    Participant,
    Target,
    ValidationResult,
    ValidatorSpec,
    parse_constraint,
)
from vividshift.engine.model import DEFAULT_VALIDATORS, RunWindow
from vividshift.engine.params import read_parameters
from vividshift.errors import ValidationFailed
from vividshift.stored_json import stored_list, stored_object

DEFAULT_STRATEGY = "balanced_rotation"
MAX_ASSIGNMENTS = ("max_assignments_per_participant", "max_assignments")
TARGET_LIST_REFS = {"group_exclusion": "targets", "target_set_limit": "targets"}
PARTICIPANT_LIST_REFS = {"must_not_be_together": "participants", "must_be_together": "participants"}


@dataclass
class RunRules:
    strategy: str
    parameters: dict[str, Any]
    constraints_raw: list[dict[str, Any]]
    constraints: list[Constraint]
    validators: list[ValidatorSpec]
    seed: int
    notes: list[str] = field(default_factory=list)


def _non_null(values: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (values or {}).items() if v is not None}


def _domain_constraints(domain: Mapping[str, Any] | None, notes: list[str]) -> list[dict]:
    if domain is None:
        return []
    config = stored_object(domain.get("configuration"))
    out: list[dict[str, Any]] = []
    limit = stored_object(config.get("constraints")).get("max_assignments_per_participant")
    if limit is not None:
        out.append(_max(limit))
    for rule in stored_list(domain.get("business_rules")):
        with _reading_stored(f"business rule {rule!r}"):
            out.extend(_business_rule(rule, notes))
    return out


@contextmanager
def _reading_stored(what: str) -> Iterator[None]:
    """A house's stored data read as a 422 naming `what` when it cannot be read: the API
    validates what it stores, so this is data another program wrote."""
    try:
        yield
    except (AttributeError, KeyError, TypeError):
        raise ValidationFailed("Stored domain data the engine cannot read", details=what) from None


def _business_rule(rule: Mapping[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    """A domain rule of severity "error" as the constraints it stands for."""
    kind = rule.get("type")
    if rule.get("severity", "error") != "error":
        notes.append(f"domain rule {kind} of severity {rule.get('severity')} not enforced")
        return []
    if kind == "max_assignments_per_participant":
        return [_max(rule["max"])]
    if kind == "group_exclusion":
        return [
            {
                "name": "group_exclusion",
                "constraint_type": "exclusion",
                "parameters": {"group": rule["group"], "targets": [rule["target"]]},
            }
        ]
    if kind == "never_together":
        return [
            {
                "name": "must_not_be_together",
                "constraint_type": "pair",
                "parameters": {"participants": list(rule["participants"])},
            }
        ]
    return []


def _max(limit: int) -> dict[str, Any]:
    return {
        "name": "max_assignments_per_participant",
        "constraint_type": "limit",
        "parameters": {"max": limit},
    }


def _resolver(items: Sequence[Participant] | Sequence[Target]) -> dict[str, str]:
    """name or id → id (an id always wins over a name that happens to equal it)."""
    out: dict[str, str] = {}
    for item in items:
        out.setdefault(item.name, item.id)
    for item in items:
        out[item.id] = item.id
    return out


def _resolve(
    raw: dict[str, Any], targets: dict[str, str], people: dict[str, str]
) -> dict[str, Any] | None:
    """The constraint with names replaced by ids; None when it names nothing of the run."""
    name = raw.get("name")
    params = dict(raw.get("parameters") or {})
    for refs, lookup in ((TARGET_LIST_REFS, targets), (PARTICIPANT_LIST_REFS, people)):
        key = refs.get(str(name))
        if key and isinstance(params.get(key), list):
            # One person named twice (by name and id, or name twice) is one person.
            ids = list(dict.fromkeys(lookup[str(v)] for v in params[key] if str(v) in lookup))
            if not ids or (lookup is people and len(ids) < 2):
                return None
            params[key] = ids
    if name == "target_quota" and "target" in params:
        if str(params["target"]) not in targets:
            return None
        params["target"] = targets[str(params["target"])]
    if name == "no_repeat" and isinstance(params.get("per_target"), dict):
        params["per_target"] = {
            targets.get(str(k), str(k)): v for k, v in params["per_target"].items()
        }
    return {**raw, "parameters": params}


def build_rules(
    *,
    strategy: str | None,
    parameters: Mapping[str, Any],
    constraints: Sequence[Mapping[str, Any]],
    validators: Sequence[Mapping[str, Any]] | None,
    seed: int | None,
    domain: DomainRow | None,
    participants: Sequence[Participant],
    targets: Sequence[Target],
) -> RunRules:
    """The run's rules; raises ValidationFailed (422) on unknown names or bad parameters."""
    stored = None if domain is None else domain.as_mapping()  # its rules read by key
    config = configuration_of(domain)
    notes: list[str] = []
    chosen = strategy or config.get("default_strategy") or DEFAULT_STRATEGY
    if not isinstance(chosen, str) or chosen not in STRATEGIES:
        raise ValidationFailed(
            "Unknown strategy", details=f"strategy {chosen!r}; known: {sorted(STRATEGIES)}"
        )
    with _reading_stored("configuration.strategy_parameters"):
        params = _non_null(config.get("strategy_parameters")) | dict(parameters)
    try:
        read_parameters(chosen, STRATEGIES[chosen].schema, params)
    except InvalidParameters as exc:
        raise ValidationFailed("Invalid strategy parameters", details=str(exc)) from None

    requested = [dict(c) for c in constraints]
    from_domain = _domain_constraints(stored, notes)
    if any(c.get("name") in MAX_ASSIGNMENTS for c in requested):
        from_domain = [c for c in from_domain if c["name"] not in MAX_ASSIGNMENTS]
    t_lookup, p_lookup = _resolver(targets), _resolver(participants)
    raw_list: list[dict[str, Any]] = []
    parsed: list[Constraint] = []
    for source, items in (("domain", from_domain), ("request", requested)):
        for raw in items:
            resolved = _resolve(raw, t_lookup, p_lookup)
            if resolved is None:
                notes.append(f"{source} constraint {raw.get('name')} names nothing of this run")
                continue
            try:
                parsed.append(parse_constraint(resolved))
            except InvalidProblem as exc:
                raise ValidationFailed("Invalid constraint", details=str(exc)) from None
            raw_list.append(resolved | {"source": source})

    with _reading_stored("configuration.validators"):  # the request's are validated
        specs = _validators(validators, config.get("validators"), notes)
    run_seed = seed
    if run_seed is None:
        given = params.get("seed")
        run_seed = given if isinstance(given, int) and not isinstance(given, bool) else 0
    return RunRules(chosen, params, raw_list, parsed, specs, max(0, int(run_seed)), notes)


def _validators(
    requested: Sequence[Mapping[str, Any]] | None,
    configured: Sequence[Mapping[str, Any]] | None,
    notes: list[str],
) -> list[ValidatorSpec]:
    if requested is None and not configured:
        return list(DEFAULT_VALIDATORS)
    specs: list[ValidatorSpec] = []
    for item in requested if requested is not None else configured or []:
        name = str(item.get("name"))
        if name not in VALIDATORS:
            raise ValidationFailed(
                "Unknown validator", details=f"validator {name!r}; known: {sorted(VALIDATORS)}"
            )
        params = _non_null(item.get("parameters"))
        if requested is None:
            params = _from_domain_validator(name, params, notes)
        try:
            read_parameters(name, VALIDATORS[name].schema, params)
        except InvalidParameters as exc:
            raise ValidationFailed("Invalid validator parameters", details=str(exc)) from None
        specs.append(ValidatorSpec(name, params))
    return specs


def _from_domain_validator(name: str, params: dict[str, Any], notes: list[str]) -> dict:
    """The domain schema's validator parameters, in the engine's terms: `required_match`
    is a 0–1 weight there (true when > 0 here); `time_window` is hours there (the run's
    window is used instead)."""
    out = dict(params)
    if isinstance(out.get("required_match"), int | float) and not isinstance(
        out.get("required_match"), bool
    ):
        out["required_match"] = out["required_match"] > 0
    if isinstance(out.get("time_window"), int | float):
        out.pop("time_window")
        notes.append(f"{name}: the domain's time_window in hours is replaced by the run's window")
    return out


@dataclass(frozen=True)
class House:
    """How a domain reads time and missing availability (its `configuration`):
    `timezone` (IANA, default UTC) — local slot and shift times are clock times there;
    `availability_default` ("available" | "unavailable", default available) — what a
    day without any slot of a person means."""

    timezone: str = "UTC"
    availability_default: str = "available"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        return datetime.now(self.zone).date()


def house_of(domain: DomainRow | None) -> House:
    """The domain's House; a stored zone or default that is no longer valid is a 422."""
    config = configuration_of(domain)
    zone = config.get("timezone") or "UTC"
    default = config.get("availability_default") or "available"
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            "The domain's timezone is unknown", details={"timezone": zone}
        ) from None
    if default not in ("available", "unavailable"):
        raise ValidationFailed(
            "The domain's availability_default must be available or unavailable",
            details={"availability_default": default},
        )
    return House(str(zone), default)


def run_window(
    assignment_date: date, start: datetime | None, end: datetime | None, house: House = House()
) -> RunWindow:
    """The run's window as naive UTC: the given one, else its whole local day in the
    house's zone (23 or 25 hours on a daylight-saving change)."""
    try:
        if start is not None and end is not None:
            return RunWindow(_naive(start), _naive(end))
        first = datetime.combine(assignment_date, time(), house.zone)
        after = datetime.combine(assignment_date + timedelta(days=1), time(), house.zone)
        return RunWindow(_naive(first), _naive(after))
    except (ValueError, OverflowError) as exc:
        raise ValidationFailed("Invalid window", details=str(exc)) from None


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def group_rule_check(
    participants: Sequence[Participant],
    targets: Sequence[Target],
    constraints: Sequence[Constraint],
    pairs: Sequence[tuple[str, str]],
) -> ValidationResult:
    """Group exclusions (domain rules and targets' excluded_groups) on any assignment;
    the engine's validators do not cover them, edits need them."""
    people = {p.id: p for p in participants}
    tmap = {t.id: t for t in targets}
    excluded: dict[str, set[str]] = {t.id: set(t.excluded_groups) for t in targets}
    for c in constraints:
        if isinstance(c, GroupExclusion):
            for tid in c.targets:
                excluded.setdefault(tid, set()).add(c.group)
    breaches = []
    for pid, tid in pairs:
        person = people.get(pid)
        if person is not None and person.group and person.group in excluded.get(tid, ()):
            label = tmap[tid].label if tid in tmap else tid
            breaches.append(f"{person.label} (group {person.group}) may not do {label}")
    if breaches:
        return ValidationResult("group_rule", "error", False, tuple(breaches))
    return ValidationResult("group_rule", "info", True, ("no group rule broken",))
