"""One page of a list: two queries (the count and the rows) whatever the size of the table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from meetings.extensions import db

T = TypeVar("T")
MAX_PAGE = 100_000  # a page number beyond any list (and beyond a database offset) is read as this


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def paginate(query: sa.Select[Any], *, page: int, per_page: int) -> Page[Any]:
    """Run ``query`` (already ordered) for one page. ``page`` below 1 is read as 1."""
    page = min(max(1, page), MAX_PAGE)
    total = (
        db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
        or 0
    )
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)
