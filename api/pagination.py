"""Cursor pagination: each list answers `items` and `next` (a cursor, or null at the end).

A cursor is the position after the last item of a page (its sort key and id), signed so
that a client cannot forge one: anything else answers 400 (problems.BadCursor). Keyset
pages cost the same at the millionth row as at the first, and rows added meanwhile neither
repeat nor shift a page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.core import signing
from django.db.models import F, Model, QuerySet

from api.problems import BadCursor

SALT = "api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

M = TypeVar("M", bound=Model)


def encode(kind: str, *values: Any) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return signing.dumps([kind, *plain], salt=SALT, compress=False)


def decode(kind: str, cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise BadCursor from None
    if not isinstance(data, list) or not data or data[0] != kind:
        raise BadCursor
    return data[1:]


def keyset_page(
    rows: QuerySet[M], *, kind: str, cursor: str | None, limit: int, key: str = ""
) -> tuple[list[M], str | None]:
    """One page of `rows` in descending (`key`, id) order (id alone when key is ""), and
    the cursor of the next page. `key` may reach through a relation
    ("tagged__last_activity_at")."""
    position = decode(kind, cursor)
    if key:
        rows = rows.annotate(cursor_key=F(key))
    if position is not None:
        try:
            if key:
                at, last_id = datetime.fromisoformat(position[0]), int(position[1])
                # "At or before, but not the rows already given": an index range SQLite and
                # PostgreSQL walk, where (key < at OR key = at AND id < last) made SQLite
                # scan (280 ms at 100,000 posts against 3 ms).
                rows = rows.filter(**{f"{key}__lte": at}).exclude(**{key: at, "id__gte": last_id})
            else:
                rows = rows.filter(id__lt=int(position[0]))
        except (IndexError, TypeError, ValueError):
            raise BadCursor from None
    order = [f"-{key}", "-id"] if key else ["-id"]
    page = list(rows.order_by(*order)[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    if not more or not page:
        return page, None
    last = page[-1]
    values = (last.cursor_key, last.pk) if key else (last.pk,)  # type: ignore[attr-defined]
    return page, encode(kind, *values)


def encode_page_number(kind: str, number: int) -> str:
    return encode(kind, number)


def decode_page_number(kind: str, cursor: str | None) -> int:
    position = decode(kind, cursor)
    if position is None:
        return 1
    if len(position) != 1 or not isinstance(position[0], int) or position[0] < 1:
        raise BadCursor
    return position[0]
