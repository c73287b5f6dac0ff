"""Article shapes that once cost minutes of CPU or a gigabyte (the hostile probe's, at its sizes), for the
cost tests and ``bench_api_costs``: runs of brackets (quadratic in spaCy's tokenizer), "1:" repeated,
clock times and dates repeated, prose repeated (quadratic merging), thousands of short sentences."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LEAD = "The DynamoDB outage was caused by a race condition in the DNS system. "
SHAPES = {
    "brackets-20k": "DynamoDB (" + "(" * 10_000 + "failed" + ")" * 10_000,
    "colons-198k": LEAD + "1:" * 99_000,
    "clock-times-192k": LEAD + "11:48 PM PDT on " * 12_000,
    "dates-66k": LEAD + "October 20, 2025 at 11:48 PM PDT " * 2_000,
    "prose-repeated-192k": ((SEEDS / "000_70811cf465f3405b.txt").read_text(encoding="utf-8") * 70)[:192_000],
    "short-sentences-10k": LEAD + "The DNS failed. " * 10_000,
}
