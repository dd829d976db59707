"""Policy objects: every threshold a workspace may change, with the SPEC's defaults."""

from __future__ import annotations

import enum

import attrs

from clientcrm.errors import ValidationError

__all__ = ["MatchMode", "MatchPolicy", "NotePolicy", "NoteVisibility", "Policies", "StatusPolicy"]


def _positive(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(attribute.name, "must be at least 1")


@attrs.frozen
class StatusPolicy:
    """Thresholds of the status pills (SPEC section 6).

    Attributes:
        lapsed_after_days: a client whose last counted booking is this many calendar days
            ago or more (in the workspace timezone) is LAPSED.
        regular_min_bookings: counted bookings that make a client REGULAR.
        growing_min_bookings: the low end of the "growing" filter.
        growing_max_bookings: the high end of the "growing" filter.
    """

    lapsed_after_days: int = attrs.field(default=90, validator=_positive)
    regular_min_bookings: int = attrs.field(default=5, validator=_positive)
    growing_min_bookings: int = attrs.field(default=3, validator=_positive)
    growing_max_bookings: int = attrs.field(default=5, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.growing_min_bookings > self.growing_max_bookings:
            raise ValidationError("growing_min_bookings", "must not exceed growing_max_bookings")


class NoteVisibility(enum.StrEnum):
    """Who may read a note: its author only, or every staff member allowed to view notes."""

    PRIVATE = "private"
    TEAM = "team"


@attrs.frozen
class NotePolicy:
    """Rules of notes (SPEC section 9).

    Attributes:
        max_length: the longest note, in characters.
        default_visibility: the visibility of a note when none is given.
        owner_can_delete: whether owners and admins may delete notes they did not write.
    """

    max_length: int = attrs.field(default=2000, validator=_positive)
    default_visibility: NoteVisibility = NoteVisibility.PRIVATE
    owner_can_delete: bool = False


class MatchMode(enum.StrEnum):
    """How bookings from unknown emails find their client (SPEC section 8)."""

    SMART = "smart"
    """Score against the workspace: link exact matches, queue partial ones for review."""
    EMAIL_ONLY = "email_only"
    """Never link and never suggest: an unknown email is a new client (seed 000)."""


def _fraction(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 < value < 1:
        raise ValidationError(attribute.name, "must be between 0 and 1, exclusive")


@attrs.frozen
class MatchPolicy:
    """Smart client detection (SPEC section 8).

    Attributes:
        mode: smart, or email only.
        partial_threshold: the lowest score of a partial match; below it, a new client.
        cluster_floor: in bulk deduplication, the lowest score of any pair inside a
            cluster. The default, about the score of one name written two ways (Jenny and
            Jennifer White) with nothing else to go on, lets one person's phone-only and
            email-only copies meet through the record that has both, while a pair that
            disagrees (two given names, two birth dates, a household's shared email) keeps
            its records apart. Set it to the partial
            threshold for clusters in which every pair matches.
    """

    mode: MatchMode = MatchMode.SMART
    partial_threshold: float = attrs.field(default=0.75, validator=_fraction)
    cluster_floor: float = attrs.field(default=0.4, validator=_fraction)

    @cluster_floor.validator
    def _below_threshold(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value > self.partial_threshold:
            raise ValidationError(attribute.name, "must not be above the partial threshold")


@attrs.frozen
class Policies:
    """Every policy of one workspace."""

    status: StatusPolicy = attrs.Factory(StatusPolicy)
    notes: NotePolicy = attrs.Factory(NotePolicy)
    matching: MatchPolicy = attrs.Factory(MatchPolicy)
