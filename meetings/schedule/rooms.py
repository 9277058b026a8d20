"""Rooms: where sittings take place. Renaming one moves every calendar event held in it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from meetings import clock
from meetings.audit.services import record
from meetings.auth.models import User
from meetings.auth.permissions import Permission, require
from meetings.errors import DomainError, NotFound
from meetings.extensions import db
from meetings.schedule.models import Room, Sitting


@dataclass(frozen=True)
class RoomData:
    name: str
    building: str
    capacity: int


def _room_values(data: RoomData, room_id: int | None) -> dict[str, object]:
    name, building = data.name.strip(), data.building.strip()
    if not name:
        raise DomainError(_("Enter the name of the room."), field="name")
    if not 1 <= data.capacity <= 100_000:
        raise DomainError(_("Between 1 and 100,000 seats."), field="capacity")
    query = sa.select(Room.id).where(Room.name == name, Room.building == building)
    if room_id is not None:
        query = query.where(Room.id != room_id)
    if db.session.scalar(query) is not None:
        raise DomainError(
            _("There is already a room with this name in this building."), field="name"
        )
    return {"name": name, "building": building, "capacity": data.capacity}


def create_room(actor: User | None, data: RoomData) -> Room:
    if actor is not None:
        require(actor, Permission.MANAGE_SCHEDULE)
    values = _room_values(data, None)
    room = Room(**values)
    db.session.add(room)
    db.session.flush()
    record(actor, "room.created", room, after=values)
    return room


def update_room(actor: User, room: Room, data: RoomData) -> None:
    """Renaming a room changes the location of its sittings: they get a new revision, so that
    calendars showing them update."""
    require(actor, Permission.MANAGE_SCHEDULE)
    values = _room_values(data, room.id)
    before = {key: getattr(room, key) for key in values}
    if before == values:
        return
    for key, value in values.items():
        setattr(room, key, value)
    now = clock.now()
    room.updated_at = now
    if before["name"] != values["name"] or before["building"] != values["building"]:
        db.session.execute(
            sa.update(Sitting)
            .where(Sitting.room_id == room.id)
            .values(revision=Sitting.revision + 1, updated_at=now)
            .execution_options(synchronize_session="fetch")
        )
    db.session.flush()
    record(actor, "room.updated", room, before=before, after=values)


def rooms() -> list[Room]:
    return list(db.session.scalars(sa.select(Room).order_by(Room.building, Room.name)))


def room_by_id(actor: User, room_id: int) -> Room:
    require(actor, Permission.MANAGE_SCHEDULE)
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound(_("There is no such room."))
    return room


def room_data(room: Room) -> RoomData:
    return RoomData(name=room.name, building=room.building, capacity=room.capacity)
