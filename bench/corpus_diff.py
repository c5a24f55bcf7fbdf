#!/usr/bin/env python3
"""Runs `policyc diff --format json` on every consecutive pair of the shared policy corpus.

Generated pairs measure speed and alignment; real revision histories (GitHub, Mozilla, TikTok,
WordPress.com, ...) are where a differ meets what generators never write. This one reports what
it found there: the verdict of every pair, how many pairs failed, and how long it all took.

    corpus_diff.py --policyc PATH --corpus DIR [--json OUT.json]

DIR/manifest.jsonl has one revision a line ({"doc", "file", "prev", ...}); a revision with a
"prev" forms a pair (DIR/doc/prev, DIR/doc/file). Pairs run one after another, so the times
are those of one process alone on the machine. A pair counts as an error when policyc exits
with anything but 0 or 1, or prints no JSON with a known verdict.
"""

import argparse
import collections
import json
import subprocess
import tempfile
import time
from pathlib import Path

from report import seconds

VERDICTS = ("unchanged", "editorial", "material", "consent")


def run_pair(policyc: str, project: str, old: Path, new: Path) -> dict:
    """One `policyc diff`: its verdict (or the error), wall time and change count."""
    start = time.perf_counter()
    proc = subprocess.run([policyc, "diff", "--project", project, str(old), str(new),
                           "--format", "json"], capture_output=True)
    elapsed = time.perf_counter() - start
    result = {"old": str(old), "new": str(new), "seconds": elapsed, "exit": proc.returncode}
    stderr = proc.stderr.decode(errors="replace").strip()
    if proc.returncode not in (0, 1):
        return dict(result, error=f"exit {proc.returncode}: {stderr[:300]}")
    try:
        diff = json.loads(proc.stdout)
    except ValueError as error:
        return dict(result, error=f"invalid JSON ({error}): {stderr[:300]}")
    if diff.get("verdict") not in VERDICTS:
        return dict(result, error=f"unknown verdict {diff.get('verdict')!r}")
    old_bytes, new_bytes = old.read_bytes(), new.read_bytes()
    return dict(result, verdict=diff["verdict"], changes=len(diff.get("changes", [])),
                identical=old_bytes == new_bytes, same_words=old_bytes.split() == new_bytes.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policyc", required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="write every pair's result here")
    args = parser.parse_args()

    rows = [json.loads(line) for line in
            (args.corpus / "manifest.jsonl").read_text().splitlines() if line.strip()]
    pairs = [(row["doc"], args.corpus / row["doc"] / row["prev"], args.corpus / row["doc"] / row["file"])
             for row in rows if row.get("prev")]

    results = []
    start = time.perf_counter()
    # An empty project folder: the corpus is judged with policyc's default classification, not
    # with whatever policy/policyc.yml the directory bench/run was started from happens to hold.
    with tempfile.TemporaryDirectory(prefix="policyc-corpus-") as project:
        for doc, old, new in pairs:
            results.append(dict(run_pair(args.policyc, project, old, new), doc=doc))
    total = time.perf_counter() - start

    per_doc: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    doc_time: dict[str, float] = collections.defaultdict(float)
    for result in results:
        per_doc[result["doc"]]["pairs"] += 1
        per_doc[result["doc"]][result.get("verdict", "errors")] += 1
        doc_time[result["doc"]] += result["seconds"]

    columns = ("pairs", *VERDICTS, "errors")
    header = ["doc", *columns, "time"]
    table = [[doc, *(str(counts[c]) for c in columns), seconds(doc_time[doc])]
             for doc, counts in sorted(per_doc.items())]
    totals = sum(per_doc.values(), collections.Counter())
    table.append(["total", *(str(totals[c]) for c in columns), seconds(sum(doc_time.values()))])
    widths = [max(len(row[i]) for row in [header] + table) for i in range(len(header))]
    print(f"\ndiff corpus: policyc diff --format json on {len(pairs)} consecutive revisions "
          f"of {len(per_doc)} documents ({args.corpus})")
    for row in [header] + table:
        print("  ".join(cell.rjust(width) if i else cell.ljust(width)
                        for i, (cell, width) in enumerate(zip(row, widths))).rstrip())

    ok = [r for r in results if "verdict" in r]
    slowest = max(results, key=lambda r: r["seconds"], default=None)
    print(f"total {seconds(total)} wall, {len(results)} pairs run serially"
          + (f"; slowest pair {seconds(slowest['seconds'])}: {slowest['new']}" if slowest else ""))
    # Two checks that need no labels: byte-identical revisions must come out unchanged, and
    # revisions with the same words and Markdown markers, only whitespace and line breaks
    # moved (reflows, blank lines), at most editorial.
    for what, wrong in (
        ("identical revisions not 'unchanged'",
         [r for r in ok if r["identical"] and r["verdict"] != "unchanged"]),
        ("revisions that differ only in whitespace judged material or consent",
         [r for r in ok if r["same_words"] and r["verdict"] in ("material", "consent")]),
    ):
        if wrong:
            print(f"{what}: {len(wrong)}")
            for r in wrong[:10]:
                print(f"  {r['verdict']}: {r['old']} -> {Path(r['new']).name}")
    for r in [r for r in results if "error" in r][:10]:
        print(f"error: {r['old']} -> {r['new']}: {r['error']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
