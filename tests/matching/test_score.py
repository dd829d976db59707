"""Scoring: the exact and partial rules of SPEC section 8, households, and the properties."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.matching import Compare, Evidence, MatchLevel, Record, score, score_against
from clientcrm.policies import MatchPolicy
from clientcrm.testing.strategies import match_records

KATE = Record("a", "Kate Smith", "kate.smith@gmail.com", "+447700900123")


def level(a: Record, b: Record) -> MatchLevel:
    return score(a, b, region="GB").level


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        # Exact (1.0): same name and same email, or same name and same phone.
        (Record("b", "kate smith", "KATE.SMITH@gmail.com"), MatchLevel.EXACT),
        (Record("b", "Smith, Kate", "other@yahoo.com", "07700 900123"), MatchLevel.EXACT),
        # Partial: similar name and some contact evidence.
        (Record("b", "Katherine Smith", "katesmith+yoga@gmail.com"), MatchLevel.PARTIAL),
        (Record("b", "Kate Smith", "katesmith@gmail.com"), MatchLevel.PARTIAL),  # dots: evidence
        (Record("b", "Katie Smyth", None, "07700 900123"), MatchLevel.PARTIAL),
        (Record("b", "Kate Smith", None, "07700 900124"), MatchLevel.PARTIAL),  # one digit off
        (Record("b", "Kate Jones", "kate.smith@gmail.com"), MatchLevel.PARTIAL),  # married
        (Record("b", "K. Smith", None, "+447700900123"), MatchLevel.PARTIAL),
        # None: a name alone, or contact details shared by someone else.
        (Record("b", "Kate Smith", "k.s@yahoo.com"), MatchLevel.NONE),
        (Record("b", "Kate Smith", "ks@yahoo.com", "+447700111222"), MatchLevel.NONE),
        (Record("b", "John Smith", "kate.smith@gmail.com"), MatchLevel.NONE),  # household email
        (Record("b", "Mark Smith", None, "+447700900123"), MatchLevel.NONE),  # household phone
        (Record("b", "Kate Smith Jr", None, "+447700900123"), MatchLevel.NONE),  # generations
        (Record("b", "Bob Jones", "bob@acme.com"), MatchLevel.NONE),
    ],
)
def test_levels_of_spec_section_8(other: Record, expected: MatchLevel) -> None:
    """Each rule of the exact and partial levels, and what stays below them."""
    assert level(KATE, other) is expected


def test_a_company_domain_is_evidence_and_a_free_mail_domain_is_not() -> None:
    """kate@acme.com and katherine.s@acme.com share a company; two gmail.com users do not."""
    company = score(
        Record("a", "Kate Smith", "kate@acme.com"),
        Record("b", "Katherine Smith", "katherine.s@acme.com"),
    )
    free = score(
        Record("a", "Kate Smith", "kate@gmail.com"),
        Record("b", "Katherine Smith", "katherine.s@gmail.com"),
    )
    assert company.level is MatchLevel.PARTIAL
    assert free.level is MatchLevel.NONE
    assert any(r.feature == "email" for r in company.reasons)


def test_the_partial_threshold_is_the_workspace_policy() -> None:
    """A stricter workspace sends the same pair to a new client instead of review."""
    other = Record("b", "Kate Smith", None, "07700 900124")
    assert score(KATE, other, region="GB").level is MatchLevel.PARTIAL
    strict = MatchPolicy(partial_threshold=0.95)
    assert score(KATE, other, region="GB", policy=strict).level is MatchLevel.NONE


def test_reasons_explain_the_score() -> None:
    """Each feature names what it found and what it added."""
    result = score(KATE, Record("b", "Katherine Smith", "katesmith+yoga@gmail.com"))
    assert {r.feature for r in result.reasons} == {"name", "email"}
    assert "nicknames" in result.reasons[0].detail
    assert "provider" in result.reasons[1].detail


def test_a_different_birth_date_parts_a_father_and_son() -> None:
    """Extra evidence can veto even the exact rule: one name, one landline, two births."""
    dob = Evidence("born", Compare.DATE)
    father = Record("a", "John Smith", None, "+447700900123", {"born": "1961-04-02"})
    son = Record("b", "John Smith", None, "+447700900123", {"born": "1990-07-19"})
    same = Record("c", "John Smith", None, "+447700900123", {"born": "1961-02-04"})  # swapped
    assert score(father, son, evidence=[dob]).level is MatchLevel.NONE
    assert score(father, same, evidence=[dob]).level is MatchLevel.EXACT


def test_scoring_against_many_candidates_scores_each() -> None:
    """One incoming record against many: the same answers as one by one."""
    others = [
        Record(str(n), name, email)
        for n, (name, email) in enumerate(
            [("Kate Smith", "kate.smith@gmail.com"), ("Kat Smith", None), ("Bob", "bob@x.com")]
        )
    ]
    many = score_against(KATE, others)
    assert [r.score for r in many] == [score(KATE, o).score for o in others]


def test_no_candidates_no_results() -> None:
    """Nothing to compare against is an empty answer."""
    assert score_against(KATE, []) == []


records = match_records()


@given(records, records)
def test_symmetric_bounded_and_explained(a: Record, b: Record) -> None:
    """score(a, b) == score(b, a), within [0, 1], reasons adding up to it; never a crash."""
    ab, ba = score(a, b, region="GB"), score(b, a, region="GB")
    assert ab.score == ba.score
    assert 0.0 <= ab.score <= 1.0
    assert math.isclose(sum(r.contribution for r in ab.reasons), ab.score, abs_tol=1e-9)
    assert (ab.level is MatchLevel.EXACT) == (ab.score == 1.0)


@given(records)
def test_identical_complete_records_are_exact(a: Record) -> None:
    """A record with a name and an email or phone matches itself at 1.0."""
    result = score(a, a, region="GB")
    complete = result.reasons[0].detail == "the same name" and any(
        r.feature in ("email", "phone") for r in result.reasons
    )
    if complete:
        assert result.score == 1.0


@given(records, records, st.sampled_from(["email", "phone", "born"]))
def test_agreeing_evidence_never_lowers_a_score(a: Record, b: Record, field: str) -> None:
    """Giving both records the same email, phone or birth date, where one had none, never
    lowers the score."""
    dob = [Evidence("born", Compare.DATE)]
    values = {"email": "shared.person@example.org", "phone": "+441632960001"}
    if field == "born":
        a2 = Record(a.id, a.name, a.email, a.phone, {"born": "1990-01-02"})
        b2 = Record(b.id, b.name, b.email, b.phone, {"born": "1990-01-02"})
    else:
        if getattr(a, field) is not None and getattr(b, field) is not None:
            a = Record(a.id, a.name, **{**_contact(a), field: None})
        a2 = Record(a.id, a.name, **{**_contact(a), field: values[field]})
        b2 = Record(b.id, b.name, **{**_contact(b), field: values[field]})
    before = score(a, b, region="GB", evidence=dob).score
    assert score(a2, b2, region="GB", evidence=dob).score >= before


def _contact(record: Record) -> dict[str, str | None]:
    return {"email": record.email, "phone": record.phone}
