"""Smart client detection: is this the same person? (SPEC section 8)

Pure functions, no store: normalisers for names, emails and phones; `score` and
`score_against`, which say how alike records are and why; and `find_duplicates`, which finds
the people recorded more than once in a whole list without comparing every pair.
"""

from clientcrm.matching.dedupe import (
    DuplicateCluster,
    Duplicates,
    PairMatch,
    find_duplicates,
    records_of,
)
from clientcrm.matching.records import Compare, Evidence, Record
from clientcrm.matching.score import (
    MatchLevel,
    MatchResult,
    MatchWeights,
    Reason,
    score,
    score_against,
)

__all__ = [
    "Compare",
    "DuplicateCluster",
    "Duplicates",
    "Evidence",
    "MatchLevel",
    "MatchResult",
    "MatchWeights",
    "PairMatch",
    "Reason",
    "Record",
    "find_duplicates",
    "records_of",
    "score",
    "score_against",
]
