#!/usr/bin/env python3
"""Real policy text for the benchmarks: consecutive revisions of the shared corpus laid end to end.

    real_pair.py --corpus DIR --size 1MB --old OLD.md --new NEW.md

OLD is each pair's earlier revision, NEW its later one, pair after pair in manifest order, until
OLD reaches SIZE. So the two files differ as real revisions differ: rewordings, moved and new
sections, HTML blocks, link reference definitions, tables, the repeated boilerplate of real
policies; what a generator never writes.
"""
import argparse
import json
import pathlib


def size(text):
    units = {"KB": 1_000, "MB": 1_000_000}
    for unit, factor in units.items():
        if text.upper().endswith(unit):
            return int(float(text[:-len(unit)]) * factor)
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--old", required=True)
    parser.add_argument("--new", required=True)
    args = parser.parse_args()
    corpus = pathlib.Path(args.corpus)
    target = size(args.size)
    old, new = bytearray(), bytearray()
    pairs = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if line]
    pairs = [entry for entry in pairs if entry.get("prev")]
    while len(old) < target:
        for entry in pairs:
            old += (corpus / entry["doc"] / entry["prev"]).read_bytes() + b"\n\n"
            new += (corpus / entry["doc"] / entry["file"]).read_bytes() + b"\n\n"
            if len(old) >= target:
                break
    pathlib.Path(args.old).write_bytes(old)
    pathlib.Path(args.new).write_bytes(new)
    print(f"{args.old}, {args.new}: {len(old)} and {len(new)} bytes of real revisions")


if __name__ == "__main__":
    main()
