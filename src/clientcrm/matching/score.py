"""Scoring pairs of records: how sure we are that they are one person, and why.

The score adds up what the pair shares. The name counts up to 0.45 (the given name weighs
more than the surname, which marriage may change); each shared contact detail adds its weight;
a different phone takes a little away. Two rules sit above the sum:

- **Exact** (SPEC section 8): the same name and the same email, or the same name and the same
  phone, scores 1.0. Nothing else reaches 1.0: the sum stops at 0.99.
- **Households**: an email or phone shared by two *different* given names is a family's or a
  couple's, and is evidence of two people, not one: it counts for nothing.

Extra evidence columns (birth date, postcode, ...) add their weight when they agree, and take
their penalty when they disagree, even from an exact pair: a father and son with one name and
one landline have two birth dates. The weights were calibrated on
`clientcrm.testing.people`'s labelled duplicates; ``tests/matching`` reports the precision
and recall they reach.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from clientcrm.matching.features import (
    Columns,
    EmailAgreement,
    Floats,
    PairFeatures,
    PhoneAgreement,
)
from clientcrm.matching.names import EQUAL, INITIAL, NICKNAME, TYPO, UNKNOWN
from clientcrm.matching.records import Agreement, Evidence, Profile, Record
from clientcrm.models.client import Client
from clientcrm.models.merging import Reason
from clientcrm.policies import MatchPolicy

__all__ = ["MatchLevel", "MatchResult", "MatchWeights", "Reason", "score", "score_against"]


class MatchLevel(enum.StrEnum):
    """What a score means (SPEC section 8)."""

    EXACT = "exact"
    """1.0: linked silently."""
    PARTIAL = "partial"
    """From the policy's threshold (0.75) up to 1.0: a pending association for review."""
    NONE = "none"
    """Below the threshold: different people."""


@attrs.frozen
class MatchWeights:
    """What each kind of agreement adds to a score (see the module docstring)."""

    name: float = 0.45
    first_share: float = 0.6
    swapped: float = 0.02
    compatible_first: float = INITIAL
    email: tuple[float, ...] = (0.0, 0.33, 0.1, 0.3, 0.52, 0.55)
    """By `EmailAgreement`: none, same company domain, plain local part, distinctive local
    part, provider rules, exact."""
    phone: tuple[float, ...] = (0.0, -0.1, 0.385, 0.55)
    """By `PhoneAgreement`: missing, different (a penalty), near, exact."""
    cap: float = 0.99


DEFAULT_WEIGHTS = MatchWeights()


@attrs.frozen
class MatchResult:
    """How alike two records are.

    Attributes:
        score: in [0, 1]; 1.0 only by an exact rule.
        level: exact, partial or none, by the workspace's threshold.
        reasons: why, feature by feature; their contributions add up to ``score``.
    """

    score: float
    level: MatchLevel
    reasons: tuple[Reason, ...]


@attrs.frozen
class _Parts:
    """A score's terms, for many pairs at once."""

    name: Floats
    email: Floats
    phone: Floats
    extra: tuple[Floats, ...]
    exact: npt.NDArray[np.bool_]
    compatible: npt.NDArray[np.bool_]

    @classmethod
    def of(
        cls, f: PairFeatures, evidence: Sequence[Evidence], w: MatchWeights = DEFAULT_WEIGHTS
    ) -> _Parts:
        likeness = w.first_share * f.first + (1 - w.first_share) * f.last
        compatible = ((f.first >= w.compatible_first) | f.first_missing) & ~f.suffix_conflict
        household_email = ~compatible & (f.email >= EmailAgreement.PROVIDER)
        household_phone = ~compatible & (f.phone >= PhoneAgreement.NEAR)
        extra = tuple(
            np.select(
                [a == Agreement.AGREE, a == Agreement.NEAR, a == Agreement.DISAGREE],
                [e.weight, e.weight / 2, -e.penalty],
                0.0,
            )
            for a, e in zip(f.extra, evidence, strict=True)
        )
        return cls(
            name=w.name * likeness - w.swapped * f.swapped,
            email=np.where(household_email, 0.0, np.asarray(w.email)[f.email]),
            phone=np.where(household_phone, 0.0, np.asarray(w.phone)[f.phone]),
            extra=extra,
            exact=f.same_name
            & ~f.suffix_conflict
            & ((f.email == EmailAgreement.EXACT) | (f.phone == PhoneAgreement.EXACT)),
            compatible=compatible,
        )

    def scores(self, w: MatchWeights = DEFAULT_WEIGHTS) -> Floats:
        """The scores: the exact rules, else the capped sum; then the evidence penalties."""
        zero = np.zeros_like(self.name)
        extra_gain = sum((np.maximum(t, 0.0) for t in self.extra), zero)
        extra_penalty = sum((np.minimum(t, 0.0) for t in self.extra), zero)
        gains = self.name + self.email + np.maximum(self.phone, 0.0) + extra_gain
        summed = np.minimum(gains, w.cap) + np.minimum(self.phone, 0.0)
        return np.clip(np.where(self.exact, 1.0, summed) + extra_penalty, 0.0, 1.0)


def level_of(value: float, policy: MatchPolicy) -> MatchLevel:
    """The level of a score under ``policy``."""
    if value >= 1.0:
        return MatchLevel.EXACT
    if value >= policy.partial_threshold:
        return MatchLevel.PARTIAL
    return MatchLevel.NONE


def score(
    a: Record | Client | Mapping[str, Any],
    b: Record | Client | Mapping[str, Any],
    *,
    policy: MatchPolicy | None = None,
    region: str | None = None,
    evidence: Sequence[Evidence] = (),
) -> MatchResult:
    """How alike two records are, with the reasons.

    Args:
        a: a record, a client (compared under its primary email), or a mapping with the
            keys `records_of` reads.
        b: the other.
        policy: the workspace's thresholds; the defaults of SPEC section 8 when omitted.
        region: the region in which phones without ``+`` are read.
        evidence: extra columns of the records' ``extra`` to compare.
    """
    (result,) = score_against(a, [b], policy=policy, region=region, evidence=evidence)
    return result


def score_against(
    incoming: Record | Client | Mapping[str, Any],
    candidates: Sequence[Record | Client | Mapping[str, Any]],
    *,
    policy: MatchPolicy | None = None,
    region: str | None = None,
    evidence: Sequence[Evidence] = (),
) -> list[MatchResult]:
    """Score ``incoming`` against each candidate, in one pass over them all."""
    if not candidates:
        return []
    evidence = tuple(evidence)
    profiles = [Profile.of(_record(r), evidence, region) for r in (incoming, *candidates)]
    columns = Columns.of(profiles, evidence)
    left = np.zeros(len(candidates), dtype=np.int64)
    right = np.arange(1, len(profiles), dtype=np.int64)
    features = PairFeatures.compute(columns, left, right, evidence)
    return explain(features, columns, left, right, evidence, policy or MatchPolicy())


def pair_scores(
    columns: Columns,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    evidence: Sequence[Evidence] = (),
) -> Floats:
    """The scores of the pairs ``(left[k], right[k])`` of ``columns``, without reasons."""
    return _Parts.of(PairFeatures.compute(columns, left, right, evidence), evidence).scores()


def _record(value: Record | Client | Mapping[str, Any]) -> Record:
    if isinstance(value, Client):
        return Record.of_client(value)
    return value if isinstance(value, Record) else Record.of_mapping(value)


def explain(
    features: PairFeatures,
    columns: Columns,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    evidence: Sequence[Evidence],
    policy: MatchPolicy,
) -> list[MatchResult]:
    """The scores of every pair, each with its reasons."""
    parts = _Parts.of(features, evidence)
    values = parts.scores()
    return [
        _result(
            float(values[k]),
            _reasons(features, parts, k, _given(columns, int(left[k]), int(right[k])), evidence),
            policy,
        )
        for k in range(len(values))
    ]


def _result(value: float, reasons: list[Reason], policy: MatchPolicy) -> MatchResult:
    rest = round(value - sum(r.contribution for r in reasons), 9)
    if rest > 0:
        reasons.append(Reason("rule", "exact: the same name and the same email or phone", rest))
    elif rest < 0:
        reasons.append(
            Reason("rule", "only the exact rules reach 1.0, and no score is below 0", rest)
        )
    return MatchResult(value, level_of(value, policy), tuple(reasons))


_LIKENESS = {
    EQUAL: "the same",
    NICKNAME: "nicknames of one name",
    TYPO: "one typo apart",
    INITIAL: "an initial and a name",
    UNKNOWN: "missing on one side",
}


def _words(similarity: float) -> str:
    return _LIKENESS.get(similarity, "different")


def _given(c: Columns, i: int, j: int) -> str:
    a, b = (c.names[c.first[n]] if c.first[n] >= 0 else "?" for n in (i, j))
    return a if a == b else f"{a}/{b}"


def _reasons(
    f: PairFeatures, parts: _Parts, k: int, given: str, evidence: Sequence[Evidence]
) -> list[Reason]:
    if f.same_name[k]:
        name = "the same name"
    else:
        name = f"given names ({given}) {_words(f.first[k])}, surnames {_words(f.last[k])}"
        if f.swapped[k]:
            name += ", given name and surname swapped"
    if f.suffix_conflict[k]:
        name += ", different generations (Jr, Sr, II, ...)"
    reasons = [Reason("name", name, float(parts.name[k]))]
    shared = "shared, but by different given names: a household, counted for nothing"
    email, phone = EmailAgreement(f.email[k]), PhoneAgreement(f.phone[k])
    if email is not EmailAgreement.NONE:
        household = email >= EmailAgreement.PROVIDER and not parts.compatible[k]
        detail = shared if household else _EMAIL_WORDS[email]
        reasons.append(Reason("email", detail, float(parts.email[k])))
    if phone is not PhoneAgreement.MISSING:
        household = phone >= PhoneAgreement.NEAR and not parts.compatible[k]
        detail = shared if household else _PHONE_WORDS[phone]
        reasons.append(Reason("phone", detail, float(parts.phone[k])))
    for n, e in enumerate(evidence):
        agreement = Agreement(f.extra[n][k])
        if agreement is not Agreement.MISSING:
            reasons.append(Reason(e.column, agreement.name.lower(), float(parts.extra[n][k])))
    return reasons


_EMAIL_WORDS = {
    EmailAgreement.SAME_DOMAIN: "the same company domain",
    EmailAgreement.SAME_PLAIN_LOCAL: "the same plain name before @, at different providers",
    EmailAgreement.SAME_LOCAL: "the same name before @, at different providers",
    EmailAgreement.PROVIDER: "one mailbox by the provider's rules (dots, +tags)",
    EmailAgreement.EXACT: "the same email",
}
_PHONE_WORDS = {
    PhoneAgreement.DIFFERENT: "different phones",
    PhoneAgreement.NEAR: "one digit off, or the same number under another country code",
    PhoneAgreement.EXACT: "the same phone",
}
