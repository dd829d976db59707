"""Who may do what (SPEC section 13). Every `CRM` method asks here first."""

from __future__ import annotations

from clientcrm.errors import PermissionDeniedError
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.client import Client
from clientcrm.models.note import Note
from clientcrm.policies import NotePolicy, NoteVisibility

__all__ = [
    "require_admin",
    "require_client_access",
    "require_note_delete",
    "require_note_edit",
    "require_notes",
    "require_permission",
    "require_staff",
    "require_trainer",
    "require_workspace",
    "visible_note",
]


def require_workspace(actor: Actor, workspace_id: str) -> None:
    """Refuse an actor of another workspace."""
    if actor.workspace_id != workspace_id:
        raise PermissionDeniedError("act", "the actor belongs to another workspace")


def require_admin(actor: Actor, action: str) -> None:
    """Only owners and admins."""
    if not actor.is_admin:
        raise PermissionDeniedError(action, f"needs an owner or admin, not {actor.role}")


def require_staff(actor: Actor, action: str) -> None:
    """Owners, admins and staff; not members."""
    if actor.role is Role.MEMBER:
        raise PermissionDeniedError(action, "members may only see their own data")


def require_permission(actor: Actor, permission: Permission, action: str) -> None:
    """Owners and admins, or staff holding ``permission``."""
    if not actor.can(permission):
        raise PermissionDeniedError(action, f"needs the {permission} permission")


def require_trainer(actor: Actor, action: str) -> None:
    """Personal trainers only (their own roster: seed 003)."""
    if actor.role is not Role.TRAINER:
        raise PermissionDeniedError(action, "only a personal trainer does that, for their roster")


def require_client_access(actor: Actor, client: Client, action: str) -> None:
    """Staff see every client of their workspace; a member sees only their own record."""
    require_workspace(actor, client.workspace_id)
    if actor.role is Role.MEMBER and not _is_own(actor, client):
        raise PermissionDeniedError(action, "members may only see their own data")


def _is_own(actor: Actor, client: Client) -> bool:
    return actor.client_id == client.id or (
        actor.email is not None and actor.email.strip().lower() in client.emails
    )


def require_notes(actor: Actor, action: str) -> None:
    """Reading and writing notes needs the ``view_notes`` permission (owners hold it)."""
    require_permission(actor, Permission.VIEW_NOTES, action)


def visible_note(actor: Actor, note: Note) -> bool:
    """A private note is its author's alone; a team note is for everyone allowed notes."""
    if note.workspace_id != actor.workspace_id or not actor.can(Permission.VIEW_NOTES):
        return False
    return note.visibility is NoteVisibility.TEAM or note.author_id == actor.id


def require_note_edit(actor: Actor, note: Note) -> None:
    """Only a note's author edits its text."""
    if not visible_note(actor, note) or note.author_id != actor.id:
        raise PermissionDeniedError("edit the note", "only its author may edit it")


def require_note_delete(actor: Actor, note: Note, policy: NotePolicy) -> None:
    """The author deletes; an owner or admin too when the policy allows, for team notes."""
    if visible_note(actor, note) and (
        note.author_id == actor.id or (policy.owner_can_delete and actor.is_admin)
    ):
        return
    raise PermissionDeniedError("delete the note", "only its author may delete it")
