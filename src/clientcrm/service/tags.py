"""Tags: free labels, trimmed, with inner whitespace collapsed."""

from __future__ import annotations

from collections.abc import Iterable

from clientcrm.errors import ValidationError

__all__ = ["MAX_TAG", "clean_tags"]

MAX_TAG = 64


def clean_tags(tags: Iterable[str]) -> frozenset[str]:
    """Return the tags cleaned; an empty or overlong tag is refused."""
    if isinstance(tags, str):
        tags = [tags]
    cleaned = set()
    for tag in tags:
        text = " ".join(str(tag).split())
        if not text:
            raise ValidationError("tags", "a tag must not be empty")
        if len(text) > MAX_TAG:
            raise ValidationError("tags", f"{text[:20]!r}... is longer than {MAX_TAG} characters")
        cleaned.add(text)
    return frozenset(cleaned)
