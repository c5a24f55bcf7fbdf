#!/usr/bin/env python3
"""Scores `policyc diff --format json` against the truth file of `generate_policy.py pair`.

A truth edit counts as found when the diff reports a clause change of the same kind at the same
old and new lines (a reworded move must be `moved` with a word diff). Spurious changes are clause
changes that no truth edit explains. Prints one JSON object (with recall per kind of edit too, since
a kind with few edits, like additions, can fail entirely inside a good overall recall); exits 1
when recall < --min-recall or precision < --min-precision.
"""
import argparse
import json
import sys


def position(side):
    return side["line"] if side else None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("diff_json")
    parser.add_argument("truth_json")
    parser.add_argument("--min-recall", type=float, default=0.98)
    parser.add_argument("--min-precision", type=float, default=0.9)
    args = parser.parse_args()

    with open(args.diff_json) as f:
        diff = json.load(f)
    with open(args.truth_json) as f:
        truth = json.load(f)

    reported = {}
    for change in diff["changes"]:
        if change["subject"] != "clause":
            continue
        key = (position(change.get("old")), position(change.get("new")))
        reported[key] = change

    found = {}
    missed = []
    by_kind = {}
    for edit in truth["edits"]:
        key = (position(edit["old"]), position(edit["new"]))
        change = reported.get(key)
        ok = change is not None and change["kind"] == edit["kind"]
        if ok and edit["kind"] == "moved" and edit.get("reworded"):
            ok = bool(change.get("words"))
        kind = by_kind.setdefault(edit["kind"], {"truth": 0, "found": 0})
        kind["truth"] += 1
        if ok:
            found[key] = True
            kind["found"] += 1
        else:
            missed.append({"truth": edit, "reported": change and change["kind"]})

    spurious = [c for key, c in reported.items() if key not in found]
    total = len(truth["edits"])
    recall = len(found) / total if total else 1.0
    precision = len(found) / len(reported) if reported else 1.0
    result = {
        "truth": total,
        "found": len(found),
        "reported": len(reported),
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "by_kind": {
            name: dict(counts, recall=round(counts["found"] / counts["truth"], 4))
            for name, counts in by_kind.items()
        },
        "missed": missed[:5],
        "spurious": [
            {k: c.get(k) for k in ("kind", "old", "new", "reasons")} for c in spurious[:5]
        ],
    }
    json.dump(result, sys.stdout, indent=2)
    print()
    sys.exit(0 if recall >= args.min_recall and precision >= args.min_precision else 1)


if __name__ == "__main__":
    main()
