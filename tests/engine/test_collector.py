"""The cycle collector is paused while the engine solves and restored after, whatever
happens: nested pauses, an error inside, solves in several threads at once."""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Iterator

import pytest

from vividshift.engine import Infeasible, Participant, Problem, Target, solve
from vividshift.engine.collector import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_inside_restored_after_nesting_and_errors() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_solve_pauses_it_and_concurrent_solves_leave_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Paused from PAUSE_COLLECTOR_FROM participants on: here from any number.
    monkeypatch.setattr(
        importlib.import_module("vividshift.engine.solve"), "PAUSE_COLLECTOR_FROM", 0
    )
    seen: list[bool] = []

    class Spy(Participant):
        @property
        def label(self) -> str:  # read when an infeasibility is worded
            seen.append(gc.isenabled())
            return self.name or self.id

    people = tuple(Spy(f"p{i}") for i in range(6))
    problem = Problem(people, (Target("t", required_count=3),))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(20):
                solve(problem)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert gc.isenabled()
    short = Problem(people, (Target("t", required_count=3), Target("u", required_count=9)))
    with pytest.raises(Infeasible):
        solve(short)
    assert seen and not any(seen)  # paused while solving
    assert gc.isenabled()  # and on again after the error
