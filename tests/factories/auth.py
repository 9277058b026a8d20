from __future__ import annotations

import itertools
from collections.abc import Iterable

from meetings.auth import services
from meetings.auth.models import Role, User
from meetings.reference.models import Organisation, State

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def make_user(
    *,
    email: str | None = None,
    full_name: str | None = None,
    roles: Iterable[Role] = (),
    state: State | None = None,
    organisation: Organisation | None = None,
    password: str = PASSWORD,
    verified: bool = True,
) -> User:
    number = next(_sequence)
    user = services.register_user(
        email=email or f"person{number}@example.org",
        password=password,
        full_name=full_name or f"Person {number}",
        verified=verified,
    )
    for role in roles:
        if role is Role.DELEGATE:
            continue
        scope = services.RoleScope(state=state, organisation=organisation)
        if role is not Role.FOCAL_POINT:
            scope = services.RoleScope()
        services.grant_role(None, user, role, scope)
    return user
