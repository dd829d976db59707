"""Actors: the person on whose behalf a `CRM` call is made."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

__all__ = ["Actor", "Permission", "Role"]


class Role(enum.StrEnum):
    """What kind of person is acting (SPEC section 13)."""

    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"
    TRAINER = "trainer"  # a personal trainer: their own roster only (seed 003)
    MEMBER = "member"


class Permission(enum.StrEnum):
    """Named permissions a staff member may be granted; owners and admins hold them all."""

    ADD_PARTICIPANTS = "add_participants"
    SEND_EMAILS = "send_emails"
    VIEW_NOTES = "view_notes"
    VIEW_HEALTH = "view_health"


def _permissions(granted: Iterable[Permission]) -> frozenset[Permission]:
    return frozenset(granted)


@attrs.frozen
class Actor:
    """The acting person.

    Attributes:
        id: the host's user id.
        workspace_id: the one workspace this actor acts in.
        role: owner, admin, staff or member.
        permissions: the named permissions of a staff member.
        client_id: for a member, the client record that is theirs.
        email: the actor's address (used as Reply-To and to link a member to their client).
    """

    id: str
    workspace_id: str
    role: Role
    permissions: frozenset[Permission] = attrs.field(default=frozenset(), converter=_permissions)
    client_id: str | None = None
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        """Whether the actor is an owner or an admin."""
        return self.role in (Role.OWNER, Role.ADMIN)

    def can(self, permission: Permission) -> bool:
        """Whether the actor holds ``permission`` (owners and admins hold every one)."""
        return self.is_admin or (self.role is Role.STAFF and permission in self.permissions)

    @classmethod
    def owner(cls, workspace_id: str, actor_id: str = "owner") -> Actor:
        """Return the owner of ``workspace_id``: the usual actor for host-side integrations."""
        return cls(actor_id, workspace_id, Role.OWNER)
