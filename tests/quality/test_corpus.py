"""The quality corpus itself: enough accounts of enough outages, gold that follows the schema, test/ frozen."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.bench_quality import CORPUS, gold_problems, load_accounts

HERE = Path(__file__).resolve().parent
FROZEN = HERE / "test_hashes.json"
STYLES = {"official-review", "news", "engineer-blog", "status-updates", "forum-summary", "social-thread",
          "press-statement"}


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def accounts():
    return load_accounts(CORPUS)


def test_every_gold_file_follows_the_schema(accounts):
    problems = [f"{a.split}/{a.name}: {p}" for a in accounts for p in gold_problems(a.gold, a.text)]
    assert problems == []


def test_corpus_covers_forty_accounts_of_twenty_outages_in_six_styles(accounts):
    own = [a for a in accounts if a.split in ("dev", "test")]
    assert len(own) >= 40
    assert len({a.gold["outage"] for a in own}) >= 20
    assert len({a.gold["style"] for a in own} & STYLES) >= 6


def test_test_split_has_fifteen_accounts_and_eight_outages_not_in_dev(accounts):
    test = [a for a in accounts if a.split == "test"]
    dev_outages = {a.gold["outage"] for a in accounts if a.split == "dev"}
    assert len(test) >= 15
    assert len({a.gold["outage"] for a in test} - dev_outages) >= 8


def test_every_seed_article_has_gold(accounts):
    seeds = {a.name for a in accounts if a.split == "seeds"}
    assert seeds == {p.stem for p in (HERE.parents[1] / "seeds").glob("*.txt")}


def test_test_split_is_frozen():
    """test/ landed before extraction was tuned; a changed text or gold would hide tuning to it."""
    assert file_hashes(CORPUS / "test") == json.loads(FROZEN.read_text(encoding="utf-8"))
