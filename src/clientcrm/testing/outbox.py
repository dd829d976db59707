"""An `EmailSender` that keeps what it is given: the outbox of tests and dry demos."""

from __future__ import annotations

from clientcrm.errors import DeliveryError
from clientcrm.models.messages import Email

__all__ = ["Outbox"]


class Outbox:
    """Keeps every email in ``sent``; ``failing`` makes the next sends fail as a mail
    server that cannot be reached would."""

    def __init__(self) -> None:
        self.sent: list[Email] = []
        self.failing = False

    def send(self, email: Email) -> str:
        """Keep ``email``; return its number in the outbox as its id."""
        if self.failing:
            raise DeliveryError(email.to, "the mail server is unreachable")
        self.sent.append(email)
        return f"outbox-{len(self.sent)}"
