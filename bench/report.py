#!/usr/bin/env python3
"""Prints one benchmark section of bench/run as a table of policyc against a reference tool.

Kept out of bash because it reads hyperfine's JSON and does arithmetic.

    report.py ROWS.tsv --title TITLE --max-time-ratio 1.5 --max-rss-ratio 2

Each line of ROWS.tsv, as bench/run's compare() writes it:
    label  hyperfine.json  policyc_rss_kib  reference_rss_kib  gated|info
The hyperfine JSON holds two results, policyc's first. Ratios are policyc / reference; the
targets are checked on "gated" rows only (small inputs are dominated by process start-up).
"""

import argparse
import json
from pathlib import Path


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def mebibytes(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=Path)
    parser.add_argument("--title", required=True)
    parser.add_argument("--max-time-ratio", type=float, required=True)
    parser.add_argument("--max-rss-ratio", type=float, required=True)
    args = parser.parse_args()

    table = []
    ours_name = ref_name = ""
    for line in args.rows.read_text().splitlines():
        label, hyperfine_json, ours_rss, ref_rss, gated = line.split("\t")
        ours, ref = json.loads(Path(hyperfine_json).read_text())["results"]
        ours_name, ref_name = ours["command"], ref["command"]
        time_ratio = ours["mean"] / ref["mean"]
        rss_ratio = int(ours_rss) / int(ref_rss)
        if gated == "gated":
            missed = [what for what, ratio, limit in (
                ("time", time_ratio, args.max_time_ratio), ("RSS", rss_ratio, args.max_rss_ratio),
            ) if ratio > limit]
            verdict = f"MISSED ({', '.join(missed)})" if missed else "met"
        else:
            verdict = "not gated"
        table.append([
            label,
            f"{seconds(ours['mean'])} ± {seconds(ours['stddev'])}",
            f"{seconds(ref['mean'])} ± {seconds(ref['stddev'])}",
            f"{time_ratio:.2f}×",
            mebibytes(int(ours_rss)),
            mebibytes(int(ref_rss)),
            f"{rss_ratio:.2f}×",
            verdict,
        ])

    header = ["input", f"{ours_name} time", f"{ref_name} time", "time ratio",
              f"{ours_name} RSS", f"{ref_name} RSS", "RSS ratio",
              f"targets (time ≤ {args.max_time_ratio:g}×, RSS ≤ {args.max_rss_ratio:g}×)"]
    widths = [max(len(row[i]) for row in [header] + table) for i in range(len(header))]
    print(f"\n{args.title}")
    for row in [header] + table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
