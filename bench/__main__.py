"""`python -m bench` (or `make bench`): run every benchmark and print one table of ratios.

``python -m bench quality [--corpus DIR] [--json FILE]`` prints the extraction quality table
(per account and per split) instead of the summary rows.

Each benchmark module exposes ``run() -> list[dict]`` whose rows hold ``name``,
``ours``, ``baseline`` (both measured in the same run), ``ratio`` and ``target``.
"""

from __future__ import annotations

import importlib
import platform
import sys
import time

MODULES = ("bench.bench_ingest", "bench.bench_analysis", "bench.bench_model", "bench.bench_pages", "bench.bench_api",
           "bench.bench_api_costs", "bench.bench_quality")


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def main(selected: list[str]) -> int:
    rows: list[dict] = []
    failed: list[str] = []
    for name in MODULES:
        if selected and not any(s in name for s in selected):
            continue
        try:
            module = importlib.import_module(name)
            rows.extend(module.run())
        except Exception as err:  # noqa: BLE001 - one broken benchmark must not hide the others' rows
            failed.append(f"{name}: {type(err).__name__}: {err}")
    cols = ("name", "ours", "baseline", "ratio", "target", "met")
    table = [cols] + [tuple(_fmt(r.get(c, "")) for c in cols) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()} "
          f"{time.strftime('%Y-%m-%d')}")
    for i, row in enumerate(table):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    for line in failed:
        print("FAILED", line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["quality"]:  # the quality table, with its options --corpus, --json
        from bench.bench_quality import main as quality_main

        sys.exit(quality_main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
