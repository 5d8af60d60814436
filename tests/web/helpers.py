"""Shared helpers of the web page tests: accounts with real passwords, CSRF and form
scraping."""

import re
import uuid
from dataclasses import dataclass
from html import unescape
from typing import Any

from tests.secrets_registry import remember
from vividshift.auth import passwords

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def new_password() -> str:
    password = f"Web-{uuid.uuid4().hex[:16]}"
    remember(password)
    return password


def csrf_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def account(role: str, password: str, name: str | None = None) -> dict[str, Any]:
    """Column values of a users row with a real argon2 hash."""
    name = name or f"{role}{uuid.uuid4().hex[:8]}"
    return {
        "username": name,
        "email": f"{name}@example.org",
        "password_hash": passwords.hash_password(password),
        "role": role,
    }


FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
BUTTON = re.compile(r"<button[^>]*>(.*?)</button>", re.S)


@dataclass
class PostForm:
    """A post form of a page: where it goes, its hidden fields, its buttons' texts."""

    action: str
    hidden: dict[str, str]
    buttons: list[str]


def post_forms(html: str, action: str | None = None) -> list[PostForm]:
    found = [
        PostForm(
            target,
            {name: unescape(value) for name, value in HIDDEN.findall(body)},
            [re.sub(r"<[^>]+>", "", b).strip() for b in BUTTON.findall(body)],
        )
        for target, body in FORM.findall(html)
    ]
    return [f for f in found if action is None or f.action == action]


def key_of(html: str, action: str, button: str | None = None) -> str:
    """The idempotency key of the page's form posting to `action` (with that button)."""
    for form in post_forms(html, action):
        if button is None or button in form.buttons:
            assert form.hidden.get("idempotency_key"), f"the {action} form has no key"
            return form.hidden["idempotency_key"]
    raise AssertionError(f"no form posting to {action} with button {button!r}")
