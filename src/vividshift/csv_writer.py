"""The one CSV writer of every export (HTTP downloads and `vividshift export`).

A cell that a spreadsheet would run as a formula — text starting with `=`, `+`, `-`,
`@`, a tab or a carriage return — is written with a leading apostrophe (OWASP's advice
for CSV injection), so opening an export never runs what a user typed into a name.
Numbers are written as they are (`-3` stays a number); None is an empty cell.
"""

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` ready for a CSV cell: formula-looking text defused, None empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class CsvWriter:
    """csv.writer whose every cell goes through `safe_cell`."""

    def __init__(self, out: TextIO, *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, cells: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in cells])
