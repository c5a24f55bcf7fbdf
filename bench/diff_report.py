#!/usr/bin/env python3
"""Prints the diff section's tables that have no reference tool: time alone, alignment quality.

report.py compares policyc with a reference tool; these targets are absolute instead (a time
limit, a recall and a precision), so they get their own table, in the same shape.

    diff_report.py time ROWS.tsv --title TITLE --max-seconds 2
    diff_report.py quality ROWS.tsv --title TITLE --min-recall 0.98 --min-precision 0.9

ROWS.tsv lines, as bench/run writes them:
    time:     label  hyperfine.json  policyc_rss_kib  input_bytes  gated|info
    quality:  label  alignment_quality.json  gated|info
The hyperfine JSON holds policyc's result alone; the quality JSON is alignment_quality.py's
output. Recall is gated per kind of edit (modified, moved, added, removed), not only overall:
a policy pair has few additions, and all of them could be missed inside a 0.99 overall recall.
"""

import argparse
import json
from pathlib import Path

from report import mebibytes, seconds

KINDS = ("modified", "moved", "added", "removed")


def print_table(title: str, header: list[str], table: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in [header] + table) for i in range(len(header))]
    print(f"\n{title}")
    for row in [header] + table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def verdict(gated: str, missed: list[str]) -> str:
    if gated != "gated":
        return "not gated"
    return f"MISSED ({', '.join(missed)})" if missed else "met"


def cmd_time(args: argparse.Namespace) -> None:
    table = []
    for line in args.rows.read_text().splitlines():
        label, hyperfine_json, rss, input_bytes, gated = line.split("\t")
        (ours,) = json.loads(Path(hyperfine_json).read_text())["results"]
        if set(ours["exit_codes"]) != {0}:  # a failing run is fast: its timing means nothing
            raise SystemExit(f"diff_report.py: {label}: '{ours['command']}' exited with "
                             f"{sorted(set(ours['exit_codes']))}")
        table.append([
            label,
            mebibytes(int(input_bytes) / 1024),
            f"{seconds(ours['mean'])} ± {seconds(ours['stddev'])}",
            seconds(ours["max"]),
            mebibytes(int(rss)),
            verdict(gated, ["time"] if ours["mean"] >= args.max_seconds else []),
        ])
    print_table(args.title, ["input", "input size", "time", "slowest run", "peak RSS",
                             f"target (time < {seconds(args.max_seconds)})"], table)


def cmd_quality(args: argparse.Namespace) -> None:
    table = []
    for line in args.rows.read_text().splitlines():
        label, quality_json, gated = line.split("\t")
        quality = json.loads(Path(quality_json).read_text())
        by_kind = quality["by_kind"]
        missed = [kind for kind in KINDS
                  if kind in by_kind and by_kind[kind]["recall"] < args.min_recall]
        if quality["precision"] < args.min_precision:
            missed.append("precision")
        table.append([
            label,
            str(quality["truth"]),
            str(quality["reported"]),
            f"{quality['recall']:.4f}",
            *(f"{by_kind[kind]['recall']:.4f} ({by_kind[kind]['found']}/{by_kind[kind]['truth']})"
              if kind in by_kind else "-" for kind in KINDS),
            f"{quality['precision']:.4f}",
            verdict(gated, missed),
        ])
    print_table(args.title, [
        "pair", "true edits", "reported", "recall", *(f"{kind} recall" for kind in KINDS),
        "precision",
        f"targets (recall ≥ {args.min_recall:g} each kind, precision ≥ {args.min_precision:g})",
    ], table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("time", help="policyc's time against an absolute limit")
    p.add_argument("rows", type=Path)
    p.add_argument("--title", required=True)
    p.add_argument("--max-seconds", type=float, required=True)
    p.set_defaults(run=cmd_time)

    p = sub.add_parser("quality", help="alignment recall and precision against the truth")
    p.add_argument("rows", type=Path)
    p.add_argument("--title", required=True)
    p.add_argument("--min-recall", type=float, required=True)
    p.add_argument("--min-precision", type=float, required=True)
    p.set_defaults(run=cmd_quality)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
