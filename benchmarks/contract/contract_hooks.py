"""schemathesis hooks of the contract run (loaded through SCHEMATHESIS_HOOKS).

An Idempotency-Key names one request: the same key with another body is refused (422,
as the IETF draft has it), which no schema can state. schemathesis reuses the values it
generates for a header across cases, so each schema-valid key is made unique here (a
real client's new request has a new key; a key replayed after its resource was deleted
would answer the old id, which the stateful phase then finds gone); invalid keys are
left as they are, for the negative cases. Key reuse has tests of its own (tests/idempotency/).
"""

import re
import uuid
from typing import Any

import schemathesis
from schemathesis.generation.meta import CoverageScenario, coverage_scenario

_SUFFIX = 33  # "-" and 32 hex digits
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


# Cases about a header's presence (a missing Authorization): left exactly as generated,
# as an edit makes schemathesis re-derive what the case is about.
_HEADER_CASES = {CoverageScenario.MISSING_PARAMETER, CoverageScenario.DUPLICATE_PARAMETER}


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    if coverage_scenario(case) in _HEADER_CASES:
        return
    headers = case.headers or {}
    for name, value in headers.items():
        valid = isinstance(value, str) and _VALID_KEY.match(value)
        if name.lower() == "idempotency-key" and valid:
            # A long key gives up its tail, so that every valid key is a new one.
            headers[name] = f"{value[: 200 - _SUFFIX]}-{uuid.uuid4().hex}"
