"""``clientcrm dedupe``: a workspace or a CSV file, printed, as JSON, and as a review file."""

import csv
import json
from pathlib import Path

from commandline import invoke
from rapidfuzz.distance import Levenshtein

from clientcrm.testing.people import EVIDENCE, labelled_people


def test_dedupe_finds_the_demo_studios_planted_duplicates(db: Path, tmp_path: Path) -> None:
    """Every cluster found in the demo studio is one planted person under two emails."""
    review = tmp_path / "review.csv"
    code, out, err = invoke(["--db", str(db), "dedupe", "--review", str(review), "--json"])
    assert code == 0, err
    found = json.loads(out)
    assert found["clusters"], "the demo plants people with two emails"
    with review.open() as rows:
        pairs = list(csv.DictReader(rows))
    assert len(pairs) == sum(len(c["pairs"]) for c in found["clusters"])
    for pair in pairs:  # a planted person's second email: a typo, dots gone or a +tag
        (a_local, a_domain), (b_local, b_domain) = (
            _mailbox(pair[k]) for k in ("a_email", "b_email")
        )
        assert a_domain == b_domain, pair
        assert Levenshtein.distance(a_local, b_local) <= 1, pair
        assert pair["decision"] == ""
    assert found["candidate_pairs"] < found["records"] * (found["records"] - 1) // 2


def _mailbox(email: str) -> tuple[str, str]:
    local, _, domain = email.partition("@")
    return local.partition("+")[0].replace(".", ""), domain


def test_dedupe_reads_a_csv_file_with_evidence_columns(tmp_path: Path) -> None:
    """A file's duplicates are found with its extra columns, and the table names the pairs."""
    people = labelled_people(400, seed=5)
    source = tmp_path / "people.csv"
    columns = ["id", "name", "email", "phone", *(e.column for e in EVIDENCE)]
    with source.open("w", newline="") as out:
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for r in people.records:
            writer.writerow(
                {
                    "id": r.id,
                    "name": r.name,
                    "email": r.email,
                    "phone": r.phone,
                    **{k: r.extra.get(k) for k in columns[4:]},
                }
            )
    evidence = [f"--evidence={e.column}:{e.compare.value}" for e in EVIDENCE]
    review = tmp_path / "review.csv"
    args = ["dedupe", "--csv", str(source), "--region", "GB", "--review", str(review)]
    code, out, err = invoke([*args, *evidence])
    assert code == 0, err
    assert "people recorded more than once" in out
    with review.open() as rows:
        found = {tuple(sorted((p["a_id"], p["b_id"]))) for p in csv.DictReader(rows)}
    truth = people.true_pairs()
    assert len(found & truth) >= 0.9 * len(truth)
    assert len(found - truth) <= 0.02 * len(found)


def test_dedupe_mistakes_are_one_line(tmp_path: Path, db: Path) -> None:
    """A bad evidence spec, a missing column and evidence without a file exit 2, no traceback."""
    source = tmp_path / "x.csv"
    source.write_text("name,email\nAna Lima,ana@example.com\n")
    for args, message in (
        (["--csv", str(source), "--evidence", "city"], "COLUMN:KIND"),
        (["--csv", str(source), "--evidence", "city:exact"], "city"),
        (["--evidence", "city:exact"], "--evidence needs --csv"),
    ):
        code, _, err = invoke(["--db", str(db), "dedupe", "--review", str(tmp_path / "r"), *args])
        assert code == 2, err
        assert message in err
        assert "Traceback" not in err
