#!/usr/bin/env python3
"""Prints one benchmark section of bench/run as a table of policyc against a reference tool.

Kept out of bash because it reads hyperfine's JSON and does arithmetic.

    report.py ROWS.tsv --title TITLE --max-time-ratio 1.5 [--max-rss-ratio 2] [--rss-against input]
              [--per NAME=COUNT ...]

Each line of ROWS.tsv, as bench/run's compare() writes it:
    label  hyperfine.json  policyc_rss_kib  reference_rss_kib  gated|info  input_bytes  exits
The hyperfine JSON holds two results, policyc's first. Time ratios are policyc / reference; the
RSS ratio is policyc's RSS over the reference's, or over input_bytes with --rss-against input
(for a tool whose peers' memory says little, like git next to a clause differ). The targets
are checked on "gated" rows only (small inputs are dominated by process start-up); without
--max-rss-ratio, RSS is shown but is no target. --per NAME=COUNT adds a column with policyc's time
divided by COUNT, for a command that makes COUNT things (a site build: --per version=20).

hyperfine runs with --ignore-failure, so that a reference which exits non-zero on success
(git diff: 1 when the files differ) is timed without a shell wrapper; this script then checks
every exit code hyperfine saw: policyc's must be 0, the reference's among `exits` ("0,1").
"""

import argparse
import json
from pathlib import Path


def seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def mebibytes(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def per_count(text: str) -> tuple[str, int]:
    name, _, count = text.partition("=")
    if not name or not count.isdigit() or int(count) == 0:
        raise argparse.ArgumentTypeError(f"expected NAME=COUNT with COUNT > 0, got '{text}'")
    return name, int(count)


def check_exits(label: str, result: dict, allowed: set[int]) -> None:
    """Stop unless every timed run exited as a working command does: a failing run is fast."""
    bad = sorted(set(result["exit_codes"]) - allowed)
    if bad:
        raise SystemExit(f"report.py: {label}: '{result['command']}' exited with {bad} "
                         f"(expected {sorted(allowed)}); its timings mean nothing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=Path)
    parser.add_argument("--title", required=True)
    parser.add_argument("--max-time-ratio", type=float, required=True)
    parser.add_argument("--max-rss-ratio", type=float,
                        help="the RSS target (default: RSS is shown, not gated)")
    parser.add_argument("--rss-against", choices=("reference", "input"), default="reference",
                        help="what policyc's peak RSS is divided by (default: the reference's)")
    parser.add_argument("--per", action="append", default=[], metavar="NAME=COUNT",
                        type=per_count, help="also show policyc's time / COUNT as its time per NAME")
    args = parser.parse_args()
    per_input = args.rss_against == "input"

    table = []
    ours_name = ref_name = ""
    for line in args.rows.read_text().splitlines():
        label, hyperfine_json, ours_rss, ref_rss, gated, input_bytes, exits = line.split("\t")
        ours, ref = json.loads(Path(hyperfine_json).read_text())["results"]
        check_exits(label, ours, {0})
        check_exits(label, ref, {int(code) for code in exits.split(",")})
        ours_name, ref_name = ours["command"], ref["command"]
        input_kib = int(input_bytes) / 1024
        time_ratio = ours["mean"] / ref["mean"]
        rss_ratio = int(ours_rss) / (input_kib if per_input else int(ref_rss))
        if gated == "gated":
            missed = [what for what, ratio, limit in (
                ("time", time_ratio, args.max_time_ratio), ("RSS", rss_ratio, args.max_rss_ratio),
            ) if limit is not None and ratio > limit]
            verdict = f"MISSED ({', '.join(missed)})" if missed else "met"
        else:
            verdict = "not gated"
        table.append([
            label,
            mebibytes(input_kib),
            f"{seconds(ours['mean'])} ± {seconds(ours['stddev'])}",
            *(seconds(ours["mean"] / count) for _, count in args.per),
            f"{seconds(ref['mean'])} ± {seconds(ref['stddev'])}",
            f"{time_ratio:.2f}×",
            mebibytes(int(ours_rss)),
            mebibytes(int(ref_rss)),
            f"{rss_ratio:.2f}×",
            verdict,
        ])

    rss_base = " input" if per_input else ""
    targets = [f"time ≤ {args.max_time_ratio:g}×"]
    if args.max_rss_ratio is not None:
        targets.append(f"RSS ≤ {args.max_rss_ratio:g}×{rss_base}")
    header = ["input", "input size", f"{ours_name} time",
              *(f"{ours_name} / {name}" for name, _ in args.per),
              f"{ref_name} time", "time ratio",
              f"{ours_name} RSS", f"{ref_name} RSS",
              "RSS / input" if per_input else "RSS ratio",
              f"targets ({', '.join(targets)})"]
    widths = [max(len(row[i]) for row in [header] + table) for i in range(len(header))]
    print(f"\n{args.title}")
    for row in [header] + table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
