"""Realistic rows for the contract run, so that operations on one row (a run, a place,
a request, a plan, a channel …) reach their logic instead of answering 404 to made-up
ids. Made through the API as the run's admin; the ids become schemathesis parameters.

Operations that delete get rows of their own (a spare house, person and task), so the
rows the other operations use stay while schemathesis works through the schema.
"""

from dataclasses import dataclass, field
from typing import Any

import httpx

ROTA = {"every": {"n": 7, "unit": "day"}, "anchor": "2030-01-07", "handoff": "09:00"}


@dataclass
class ContractData:
    """Values of path parameters: for every operation, and for some operations their own
    (deleting ones a spare row, re-plan ones a re-plan's id)."""

    parameters: dict[str, str] = field(default_factory=dict)
    per_operation: dict[str, dict[str, str]] = field(default_factory=dict)

    def toml(self) -> str:
        """The `[parameters]` table, then an `[[operations]]` entry per own value set."""
        lines = ["", "[parameters]"]
        lines += [f'{name} = "{value}"' for name, value in sorted(self.parameters.items())]
        for operation, values in sorted(self.per_operation.items()):
            pairs = ", ".join(f'{name} = "{value}"' for name, value in sorted(values.items()))
            lines += ["", "[[operations]]", f'include-name = "{operation}"']
            lines += [f"parameters = {{ {pairs} }}"]
        return "\n".join(lines) + "\n"


def _post(http: httpx.Client, path: str, body: dict[str, Any] | None = None) -> Any:
    response = http.post(path, json=body)
    if response.status_code not in (200, 201, 202):
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return response.json()


def seed(base_url: str, token: str) -> ContractData:
    """A house with a weekly rota, four people, two tasks, a saved run with a cover
    request, a published plan and a re-plan proposal, an absence, a channel, a feed, an
    invitation, a member, an entity definition and a predecessor entity; a spare house,
    person and task."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        house = _post(
            http,
            "/api/domains",
            {
                "name": "house",
                "display_name": "House",
                "configuration": {"timezone": "Europe/Berlin", "rota": ROTA},
            },
        )
        spare_house = _post(http, "/api/domains", {"name": "spare", "display_name": "Spare"})
        people = [
            _post(http, "/api/participants", {"name": name, "domain": "house"})
            for name in ("Ana", "Ben", "Cleo", "Dan")
        ]
        spare_person = _post(http, "/api/participants", {"name": "Spare", "domain": "house"})
        tasks = [
            _post(http, "/api/targets", {"name": name, "required_count": 1, "domain": "house"})
            for name in ("Kitchen", "Bath")
        ]
        spare_task = _post(
            http, "/api/targets", {"name": "Spare", "required_count": 1, "domain": "house"}
        )
        run = _post(
            http, "/api/assignments/generate", {"domain": "house", "assignment_date": "2030-01-08"}
        )
        detail = http.get(f"/api/assignments/{run['id']}").json()["details"][0]
        request = _post(
            http,
            f"/api/assignments/{run['id']}/details/{detail['id']}/requests",
            {"kind": "cover"},
        )
        job = _post(
            http,
            "/api/assignments/generate",
            {"domain": "house", "assignment_date": "2030-01-09", "async": True},
        )
        plan = _post(http, f"/api/domains/{house['id']}/plan", {"from": "2030-02-04", "turns": 2})
        _post(http, f"/api/domains/{house['id']}/plans/{plan['id']}/publish")
        replan = _post(
            http, f"/api/domains/{house['id']}/replan", {"from": "2030-02-04", "to": "2030-02-18"}
        )
        absence = _post(
            http,
            f"/api/participants/{people[0]['id']}/absences",
            {"start": "2030-03-01", "end": "2030-03-07"},
        )
        channel = _post(
            http,
            f"/api/domains/{house['id']}/channels",
            {"kind": "apprise", "name": "house chat", "url": "json://93.184.215.14/hook"},
        )
        my_channel = _post(
            http, "/api/me/channels", {"name": "my chat", "url": "json://93.184.215.14/me"}
        )
        feed = _post(http, f"/api/domains/{house['id']}/feed")
        invitation = _post(
            http, f"/api/domains/{house['id']}/invitations", {"email": "new@example.org"}
        )
        member = _post(
            http,
            "/auth/register",
            {"username": "member", "email": "member@example.org", "password": "Kq7!vX2#pL9z"},
        )["user"]
        _post(http, f"/api/domains/{house['id']}/members", {"user_id": member["id"]})
        definition = _post(
            http,
            f"/api/domains/{house['id']}/entity-definitions",
            {"name": "room", "json_schema": {"type": "object"}},
        )
        entity = _post(http, "/api/entities/participant", {"name": "Eve"})
    return ContractData(
        parameters={
            "domain_id": house["id"],
            "participant_id": people[0]["id"],
            "target_id": tasks[0]["id"],
            "assignment_id": run["id"],
            "detail_id": detail["id"],
            "request_id": request["id"],
            "job_id": job["id"],
            "plan_id": plan["id"],
            "absence_id": absence["id"],
            "channel_id": channel["id"],
            "token": feed["token"],
            "invitation_id": invitation["id"],
            "user_id": member["id"],
            "definition_id": definition["id"],
            "entity_type": "participant",
            "entity_id": entity["id"],
        },
        per_operation={
            "DELETE /api/domains/{domain_id}": {"domain_id": spare_house["id"]},
            "DELETE /api/domains/{domain_id}/permanent": {"domain_id": spare_house["id"]},
            "DELETE /api/participants/{participant_id}": {"participant_id": spare_person["id"]},
            "DELETE /api/participants/{participant_id}/permanent": {
                "participant_id": spare_person["id"]
            },
            "DELETE /api/targets/{target_id}": {"target_id": spare_task["id"]},
            "DELETE /api/targets/{target_id}/permanent": {"target_id": spare_task["id"]},
            "GET /api/domains/{domain_id}/replans/{plan_id}": {"plan_id": replan["plan"]["id"]},
            "POST /api/domains/{domain_id}/replans/{plan_id}/apply": {
                "plan_id": replan["plan"]["id"]
            },
            "DELETE /api/me/channels/{channel_id}": {"channel_id": my_channel["id"]},
            "PATCH /api/me/channels/{channel_id}": {"channel_id": my_channel["id"]},
        },
    )
