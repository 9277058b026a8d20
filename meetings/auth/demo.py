"""Demo accounts: one per role, with the published password, and the demo organisations."""

from __future__ import annotations

from dataclasses import dataclass

import click
import sqlalchemy as sa

from meetings.auth import services as accounts
from meetings.auth.models import Role, User
from meetings.extensions import db
from meetings.labels import label
from meetings.reference import services as reference
from meetings.reference.models import OrganisationKind, State

DEMO_PASSWORD = "review-conference-2018"  # noqa: S105  (published demo logins)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    state: str | None = None
    organisation: str | None = None

    @property
    def description(self) -> str:
        scope = self.state or self.organisation
        return label(self.role) + (f" ({scope})" if scope else "")


DEMO_ACCOUNTS = (
    DemoAccount("admin@example.org", "Ada Administrator", Role.ADMIN),
    DemoAccount("secretariat@example.org", "Samir Secretariat", Role.SECRETARIAT),
    DemoAccount("fund@example.org", "Fatima Fund-Administrator", Role.FUND_ADMINISTRATOR),
    # Offers above the four-eyes amount need a second fund administrator to approve them.
    DemoAccount("fund2@example.org", "Farid Second-Approver", Role.FUND_ADMINISTRATOR),
    DemoAccount(
        "focalpoint@example.org", "Femi Focal-Point", Role.FOCAL_POINT, state="Sierra Leone"
    ),
    DemoAccount("delegate@example.org", "Dana Delegate", Role.DELEGATE),
    DemoAccount("donor@example.org", "Dirk Donor", Role.DONOR),
)

DEMO_ORGANISATIONS = (
    ("International Criminal Police Organization", "INTERPOL", OrganisationKind.IGO),
    ("African Union", "AU", OrganisationKind.IGO),
    ("United Nations Office for Disarmament Affairs", "UNODA", OrganisationKind.UN_ENTITY),
    ("United Nations Institute for Disarmament Research", "UNIDIR", OrganisationKind.UN_ENTITY),
    ("International Action Network on Small Arms", "IANSA", OrganisationKind.NGO),
    ("Small Arms Survey", None, OrganisationKind.NGO),
    ("Disarmament Times", None, OrganisationKind.MEDIA),
)


def _account(spec: DemoAccount) -> User:
    user = accounts.user_by_email(spec.email)
    if user is None:
        user = accounts.register_user(
            email=spec.email, password=DEMO_PASSWORD, full_name=spec.full_name, verified=True
        )
    if not user.has_role(spec.role):
        scope = accounts.RoleScope()
        if spec.state:
            scope = accounts.RoleScope(state=reference.state_by_name(spec.state))
        accounts.grant_role(None, user, spec.role, scope)
    return user


def seed_accounts() -> dict[Role, User]:
    for name, acronym, kind in DEMO_ORGANISATIONS:
        reference.get_or_create_organisation(name, acronym, kind)
    users: dict[Role, User] = {}
    for spec in DEMO_ACCOUNTS:
        users.setdefault(spec.role, _account(spec))  # the first account of each role
    return users


def seed_demo_accounts(users: dict[Role, User]) -> None:
    """The accounts' part of ``flask seed demo``: organisations and one account per role."""
    users.update(seed_accounts())


def print_logins() -> None:
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for spec in DEMO_ACCOUNTS:
        click.echo(f"  {spec.email:<26} {spec.description}")


def demo_loaded() -> bool:
    return accounts.user_by_email(DEMO_ACCOUNTS[0].email) is not None


def demo_focal_point(state: State) -> User:
    """The demo's focal point of ``state`` (focal-<code>@example.org), made once; other demo
    data (national reports, lists of speakers) acts through it."""
    email = f"focal-{state.alpha2.lower()}@example.org"
    found = db.session.scalar(sa.select(User).where(User.email == email))
    if found is not None:
        return found
    person = accounts.register_user(
        email=email, password=DEMO_PASSWORD, full_name=f"Focal point of {state.name}", verified=True
    )
    accounts.grant_role(None, person, Role.FOCAL_POINT, accounts.RoleScope(state=state))
    return person
