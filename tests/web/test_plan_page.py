"""The plan's page: the people × turns grid with counts and shares, for a signed-in reader
of the domain; another domain's plan is not found."""

import uuid

from tests.factories import make_domain, make_member, make_participant, make_target
from tests.rota.helpers import ROTA
from tests.web.conftest import SignIn
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.rota import planning
from vividshift.rota.schemas import PlanRequest


async def test_the_grid_names_each_persons_task_per_turn(browser_like: SignIn, db: Connection):
    http, user = await browser_like("user")
    domain = await make_domain(db, configuration={"timezone": "Europe/Berlin", "rota": ROTA})
    await make_member(db, domain["id"], user["id"], "manager")
    for name in ("Ana", "Ben", "Cem"):
        await make_participant(db, name=name, domain_id=domain["id"])
    await make_target(db, name="Bins", required_count=1, domain_id=domain["id"])
    me = Principal(id=user["id"], username=user["username"], role="user", session_id=uuid.uuid4())
    plan = await planning.create_plan(
        db, me, domain["id"], PlanRequest.model_validate({"from": "2030-01-01", "turns": 3})
    )
    page = await http.get(f"/domains/{domain['id']}/plans/{plan.id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "2030-01-07 09:00" in html and "2030-02-04 09:00" in html
    assert html.count("<td>Bins</td>") == 3
    for name in ("Ana", "Ben", "Cem"):
        assert f'<th scope="row">{name}</th>' in html
    stranger, _ = await browser_like("user")
    assert (await stranger.get(f"/domains/{domain['id']}/plans/{plan.id}")).status_code == 404
