"""The engine imports nothing from the web, the database, or the rest of VividShift."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "psycopg",
    "psycopg_pool",
    "pydantic",
    "alembic",
    "vividshift.db",
    "vividshift.app",
)


def test_engine_imports_no_web_or_database_module() -> None:
    code = (
        "import json, sys, vividshift.engine, vividshift.engine.solve;"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == []
    ours = {m for m in loaded if m.startswith("vividshift.")}
    assert ours and all(m.startswith("vividshift.engine") for m in ours)
    assert "ortools.graph.python.min_cost_flow" in loaded  # the check itself sees imports
