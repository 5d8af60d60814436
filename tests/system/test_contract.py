"""The contract, checked on every run: a bounded, seeded schemathesis run (every check,
examples and coverage phases, positive and negative cases) against a live `vividshift
serve` must find 0 failures. No 500 anywhere, every status and header documented, every
response matching its schema, every schema-valid request accepted (but for the rules no
schema can state, listed in benchmarks/contract/schemathesis.toml), wrong methods
answered 405 with `Allow`, OPTIONS with `Allow` naming the path's methods.
"""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "contract"))
from run_schemathesis import run  # noqa: E402


@pytest.mark.skipif(
    shutil.which("st", path=str(Path(sys.executable).parent)) is None,
    reason="schemathesis not installed",
)
def test_schemathesis_finds_no_failure(fresh_db_url: str) -> None:
    result = run(
        fresh_db_url,
        [
            "-n",
            "2",
            "--seed",
            "17",
            "--phases",
            "examples,coverage",
            "--mode",
            "all",
            "--checks",
            "all",
            "--max-response-time",
            "10",
        ],
        timeout=900,  # ~4 min on an idle 2-CPU machine; every IANA zone is one case
    )
    summary = result.stdout[result.stdout.find("SUMMARY") :]
    assert result.returncode == 0, summary or result.stderr[-3000:]
    assert "Tested: " in summary and "Failures:" not in summary, summary
