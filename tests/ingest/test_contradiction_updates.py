"""Contradictions found claim batch by claim batch are exactly those that checking every pair after each batch finds."""

from __future__ import annotations

import random

import pytest

from ingest.claims.contradiction_updates import ClaimSet
from ingest.claims.contradictions import find_contradictions

SOURCES = ("s1", "s2", "s3")


def random_claim(rng: random.Random, n: int) -> dict:
    """A claim of a random kind whose values collide often enough to disagree."""
    source = rng.choice(SOURCES)
    kind = rng.choice(("date", "date", "time", "time", "started_at", "duration", "ended_at"))
    year, day, hour, minute = rng.choice((2023, 2024, 2025)), rng.randint(18, 22), rng.randint(5, 20), rng.choice(
        (0, 10, 20, 48))
    utc = f"{year}-10-{day:02d}T{hour:02d}:{minute:02d}:00Z"
    if kind == "date":
        value = f"{year}-10-{day:02d}" + rng.choice(("", ";weekday=Monday"))
    elif kind == "time":
        local = f"{year}-10-{day:02d}T{(hour - 7) % 24:02d}:{minute:02d} PDT"
        value = utc + rng.choice((f";local={local}", f";converts={local}", ""))
    elif kind == "duration":
        value = str(rng.choice((30, 90, 157, 600)))
    else:
        value = utc
    return {"id": f"c{n}", "kind": kind, "value": value, "source": source, "text": value,
            **({"published": f"{rng.choice((2023, 2025))}-10-23"} if rng.random() < 0.5 else {})}


def keys(found) -> set[tuple[str, str, str]]:
    return {(c.a_id, c.b_id, c.kind) for c in found}


@pytest.mark.parametrize("seed", range(40))
def test_batches_find_what_checking_all_pairs_after_each_batch_finds(seed):
    rng = random.Random(seed)
    claims = [random_claim(rng, n) for n in range(rng.randint(2, 40))]
    incremental, checked, claim_set, start = set(), set(), ClaimSet(), 0
    while start < len(claims):
        end = start + rng.randint(1, 6)
        incremental |= keys(claim_set.add(claims[start:end]))
        checked |= keys(find_contradictions(claims[:end]))
        start = end
    assert incremental == checked


def test_thousands_of_dates_of_one_year_cost_no_pairwise_comparison():
    claim_set = ClaimSet()
    claims = [{"id": f"d{n}", "kind": "date", "value": "2024-06-12", "source": f"s{n}"} for n in range(5000)]
    assert claim_set.add(claims) == []
    (found,) = claim_set.add([{"id": "late", "kind": "date", "value": "2025-06-13", "source": "other"}])[:1]
    assert found.kind == "year" and found.b_id == "late"


@pytest.mark.parametrize("order", ["told-first", "conversion-first"])
def test_a_wrong_conversion_is_found_whichever_claim_comes_first(order):
    told = {"id": "a", "kind": "time", "value": "2025-10-20T06:48:00Z;local=2025-10-19T23:48 PDT", "source": "s1"}
    converted = {"id": "b", "kind": "time", "value": "2025-10-20T07:48:00Z;converts=2025-10-19T23:48 PDT",
                 "source": "s1"}
    first, second = (told, converted) if order == "told-first" else (converted, told)
    claim_set = ClaimSet()
    found = claim_set.add([first]) + claim_set.add([second])
    assert keys(found) == {("a", "b", "utc_conversion")}
