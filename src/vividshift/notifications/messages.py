"""What a delivery says: a title, plain text and HTML, rendered from an event's payload
for one destination — a domain channel (the whole roster, the predecessor's Discord
post: one "task: names" line per task) or one person (only their own places)."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    title: str
    text: str

    def html(self, footer: str | None = None) -> str:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in self.text.splitlines() if line)
        end = f"<hr><p><small>{footer}</small></p>" if footer else ""
        return (
            f"<!doctype html><html><body><h1>{html.escape(self.title)}</h1>{lines}{end}"
            "</body></html>"
        )


def _house(payload: dict[str, Any]) -> str:
    domain = payload.get("domain") or {}
    return str(domain.get("display_name") or domain.get("name") or "VividShift")


def _run_label(payload: dict[str, Any]) -> str:
    run = payload.get("run") or {}
    return str(run.get("name") or run.get("assignment_date") or "the rotation")


def roster_lines(places: list[dict[str, Any]]) -> list[str]:
    """ "task: names" per task, tasks and names in the payload's order."""
    by_task: dict[str, list[str]] = defaultdict(list)
    for place in places:
        by_task[place["target_name"]].append(place["participant_name"])
    return [f"{task}: {', '.join(names)}" for task, names in by_task.items()]


def render(event_type: str, payload: dict[str, Any], mine: set[str] | None = None) -> Message:
    """The message of an event; `mine` (participant ids as text) renders it for the
    person they belong to, None for a domain channel."""
    house, run = _house(payload), _run_label(payload)
    date = (payload.get("run") or {}).get("assignment_date", "")
    if event_type == "rotation.published.v1":
        places = payload.get("places") or []
        if mine is None:
            return Message(f"{house}: new rotation for {date}", "\n".join(roster_lines(places)))
        own = [p for p in places if p["participant_id"] in mine]
        lines = []
        for p in own:
            others = [
                o["participant_name"]
                for o in places
                if o["target_id"] == p["target_id"] and o["participant_id"] not in mine
            ]
            with_whom = f" (with {', '.join(others)})" if others else ""
            lines.append(f"{p['target_name']}{with_whom}")
        return Message(
            f"{house}: your places on {date}",
            f"The rotation {run} is out. Your places:\n" + "\n".join(lines),
        )
    if event_type == "place.changed.v1":
        changes = payload.get("changes") or []
        reason = payload.get("reason") or "change"
        lines = []
        for c in changes:
            before, after = c["from"], c["to"]
            if mine is None:
                lines.append(
                    f"{c['target_name']}: {before['participant_name']} → "
                    f"{after['participant_name']} ({reason})"
                )
            elif after["participant_id"] in mine:
                lines.append(
                    f"You now have {c['target_name']} on {date} "
                    f"(instead of {before['participant_name']}; {reason})"
                )
            elif before["participant_id"] in mine:
                lines.append(
                    f"You no longer have {c['target_name']} on {date} "
                    f"({after['participant_name']} has it now; {reason})"
                )
        return Message(f"{house}: places changed on {date}", "\n".join(lines))
    if event_type == "turn.reminder.v1":
        place = payload.get("place") or {}
        when = date if payload.get("all_day") else payload.get("starts_at", date)
        return Message(
            f"{house}: {place.get('target_name')} soon",
            f"Your turn on {place.get('target_name')} starts {when} ({run}).",
        )
    if event_type == "cover.requested.v1":
        place = payload.get("place") or {}
        return Message(
            f"{house}: can you cover {place.get('target_name')} on {date}?",
            f"{place.get('participant_name')} asks for cover of {place.get('target_name')} "
            f"on {date} ({run}). You were asked because: {payload.get('why')}. Accept it "
            f"with POST /api/place-requests/{payload.get('request_id')}/accept.",
        )
    if event_type == "generation.failed.v1":
        error = payload.get("error") or {}
        return Message(
            f"{house}: a generation failed",
            f"Job {(payload.get('job') or {}).get('id')} failed: {error.get('error')} "
            f"({error.get('code')}).",
        )
    if event_type == "channel.disabled.v1":
        channel = payload.get("channel") or {}
        return Message(
            f"{house}: channel {channel.get('name')} was disabled",
            f"Deliveries to {channel.get('name')} ({channel.get('kind')}) have failed since "
            f"{payload.get('failing_since')}; it was disabled. Fix its URL and enable it again.",
        )
    return Message(f"{house}: {event_type}", "")


def webhook_body(
    event_type: str, payload: dict[str, Any], event_id: str, timestamp: str
) -> dict[str, Any]:
    """The Standard Webhooks payload shape: type, timestamp, data."""
    return {"type": event_type, "timestamp": timestamp, "data": payload | {"event_id": event_id}}
