#!/usr/bin/env python3
"""Prints bench/run's notify table and whether the targets are met.

    notify_report.py ROWS.tsv

Each row (tab-separated): users, policyc's --json report, policyc's "seconds peak_kib",
the floor's seconds (cat of the same batch files into a new file), output bytes, the
reference's "seconds peak_kib" (or "projected": scaled from the previous row's, by Users),
the reference's output folder. Targets at 1 000 000 Users: policyc ≥ 20× faster than the
reference and ≤ 4× the floor; peak RSS < 100 MB (100 000 000 bytes) at every size.
"""
import json
import sys


def main() -> None:
    rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    print("\nnotify: policyc notify --format jsonl (ledger included) against notify_reference.py "
          "(Python + Jinja2 + email, no ledger) and the disk floor (cat of the same output into a new file)")
    header = ("users", "messages", "policyc", "msgs/s", "ledger share", "peak RSS", "output",
              "floor", "vs floor", "reference", "vs reference")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    failures = []
    previous_ref = None
    for users, report_path, ours, floor, output_bytes, ref, _ in rows:
        report = json.load(open(report_path, encoding="utf-8"))
        seconds, kib = (float(value) for value in ours.split())
        messages = report["planned"]
        floor_seconds = float(floor)
        rss_mb = kib * 1024 / 1e6
        if ref == "projected":
            ref_seconds = previous_ref[0] * messages / previous_ref[1]
            ref_text = f"{ref_seconds:,.0f} s (projected)"
        else:
            ref_seconds, ref_kib = (float(value) for value in ref.split())
            ref_text = f"{ref_seconds:,.1f} s, {ref_kib * 1024 / 1e6:,.0f} MB"
            previous_ref = (ref_seconds, messages)
        vs_floor = seconds / floor_seconds
        vs_ref = ref_seconds / seconds
        print(" | ".join((
            f"{int(users):,}", f"{messages:,}", f"{seconds:.2f} s", f"{messages / seconds:,.0f}",
            f"{report['ledgerSeconds'] / report['seconds']:.0%}", f"{rss_mb:.0f} MB",
            f"{int(output_bytes) / 1e9:.2f} GB", f"{floor_seconds:.2f} s", f"{vs_floor:.1f}×",
            ref_text, f"{vs_ref:.0f}× faster")))
        if rss_mb >= 100:
            failures.append(f"peak RSS {rss_mb:.0f} MB at {int(users):,} Users (target < 100 MB)")
        if int(users) == 1_000_000:
            if vs_ref < 20:
                failures.append(f"{vs_ref:.1f}× the reference (target ≥ 20×)")
            if vs_floor > 4:
                failures.append(f"{vs_floor:.1f}× the floor (target ≤ 4×)")
    print("targets (1 000 000 Users: ≥ 20× the reference, ≤ 4× the floor; RSS < 100 MB at each size): "
          + (f"MISSED ({'; '.join(failures)})" if failures else "met"))


if __name__ == "__main__":
    main()
