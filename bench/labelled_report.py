#!/usr/bin/env python3
"""Per tier: how many labelled cases, and policyc's precision and recall against the labels.

Reads the two labelled sets of Tests/PolicyDiffTests/Fixtures: the invented edits of
policy/privacy-policy.md (policy-edits.json) and the real revision pairs of ../shared/corpus
(corpus-labels.json, skipped with a message where the corpus is absent). Each case is diffed by the
binary under test; its document verdict is compared with the label. Prints one row per tier, then
every disagreement with the label's reason and policyc's reasons.

    labelled_report.py --policyc PATH [--corpus DIR]

"unchanged" counts as editorial (no notice either way). Precision of a tier: of the cases policyc put
in it, how many the label puts there; recall: of the cases labelled so, how many policyc found.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "Tests" / "PolicyDiffTests" / "Fixtures"
TIERS = ("editorial", "material", "consent")


def verdict_of(policyc, old, new):
    result = subprocess.run([policyc, "diff", str(old), str(new), "--format", "json"], capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"policyc diff {old} {new}: {result.stderr.strip()}")
    diff = json.loads(result.stdout)
    verdict = "editorial" if diff["verdict"] == "unchanged" else diff["verdict"]
    return verdict, [reason["summary"] for reason in diff.get("reasons", [])][:3]


def policy_edit_cases(policyc, folder):
    original = (ROOT / "policy" / "privacy-policy.md").read_text(encoding="utf-8")
    old = folder / "old.md"
    old.write_text(original, encoding="utf-8")
    for entry in json.loads((FIXTURES / "policy-edits.json").read_text(encoding="utf-8")):
        text = original
        for edit in entry["edits"]:
            if text.count(edit["find"]) != 1:
                raise SystemExit(f"{entry['name']}: the edit does not apply once")
            text = text.replace(edit["find"], edit["replace"])
        new = folder / "new.md"
        new.write_text(text, encoding="utf-8")
        label = "editorial" if entry["tier"] == "unchanged" else entry["tier"]
        yield ("edit " + entry["name"], label, entry["why"], *verdict_of(policyc, old, new))


def corpus_cases(policyc, corpus):
    for entry in json.loads((FIXTURES / "corpus-labels.json").read_text(encoding="utf-8")):
        folder = corpus / entry["doc"]
        yield (f"corpus {entry['doc']} {entry['old'][:4]}→{entry['new'][:4]}", entry["label"], entry["evidence"],
               *verdict_of(policyc, folder / entry["old"], folder / entry["new"]))


def report(name, cases):
    print(f"\n{name}: {len(cases)} cases")
    print(f"{'tier':<10} {'labelled':>8} {'called':>7} {'precision':>10} {'recall':>7}")
    for tier in TIERS:
        labelled = [c for c in cases if c[1] == tier]
        called = [c for c in cases if c[3] == tier]
        right = [c for c in called if c[1] == tier]
        precision = f"{len(right) / len(called):.0%}" if called else "—"
        recall = f"{len(right) / len(labelled):.0%}" if labelled else "—"
        print(f"{tier:<10} {len(labelled):>8} {len(called):>7} {precision:>10} {recall:>7}")
    missed = [c for c in cases if TIERS.index(c[3]) < TIERS.index(c[1])]
    print(f"called lower than the label (the costly error): {len(missed)}")
    for case in cases:
        if case[1] != case[3]:
            print(f"  {case[0]}: label {case[1]}, policyc {case[3]}\n    why: {case[2][:160]}\n    policyc: {case[4]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policyc", default=str(ROOT / ".build" / "debug" / "policyc"))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args()
    policyc = str(pathlib.Path(args.policyc).resolve())
    with tempfile.TemporaryDirectory() as scratch:
        report("policy edits (Tests/PolicyDiffTests/Fixtures/policy-edits.json)",
               list(policy_edit_cases(policyc, pathlib.Path(scratch))))
    corpus = pathlib.Path(args.corpus)
    if (corpus / "manifest.jsonl").exists():
        report("corpus pairs (Tests/PolicyDiffTests/Fixtures/corpus-labels.json)", list(corpus_cases(policyc, corpus)))
    else:
        print(f"\ncorpus pairs: skipped, no corpus at {corpus}", file=sys.stderr)


if __name__ == "__main__":
    main()
