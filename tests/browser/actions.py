"""What a person does in the page, shared by the browser tests."""

from __future__ import annotations

from typing import Any


def mention_via_autocomplete(page: Any, typed: str, pick: str) -> None:
    """Type into the body field and pick a colleague from the @mention list."""
    body = page.locator("#id_body")
    body.press_sequentially(typed, delay=20)
    option = page.locator(".ac-list li", has_text=pick)
    option.wait_for()
    option.click()
