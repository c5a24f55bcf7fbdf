#!/usr/bin/env python3
"""Checks that generate_policy.py keeps its promises, since benchmarks and diff tests trust it:
same arguments give the same bytes, the truth file points at the clauses it names, and
the Markdown has the structure the model says (a wrapped line never starts a list).

    python3 bench/test_generate_policy.py          # about ten seconds
"""

import csv
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

BENCH = Path(__file__).resolve().parent
GENERATOR = BENCH / "generate_policy.py"
sys.path.insert(0, str(BENCH))
import generate_policy as gp  # noqa: E402


def run(*args: str, hash_seed: str = "0") -> None:
    """Run the generator as a user would, with a chosen str-hash seed to catch set-order leaks."""
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    subprocess.run([sys.executable, str(GENERATOR), *args], check=True, env=env,
                   stderr=subprocess.DEVNULL)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clause_start(line: str) -> str:
    """A clause's first line without indentation and list marker."""
    return re.sub(r"^\s*(\* )?", "", line)


class GeneratorTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp)

    def test_doc_is_deterministic_and_about_the_size_asked(self) -> None:
        for size in ("100KB", "1MB"):
            a, b = self.tmp / "a.md", self.tmp / "b.md"
            run("doc", "--size", size, "--seed", "7", "--out", str(a), hash_seed="1")
            run("doc", "--size", size, "--seed", "7", "--out", str(b), hash_seed="2")
            self.assertEqual(sha256(a), sha256(b))
            wanted = gp.parse_size(size)
            self.assertLess(abs(a.stat().st_size - wanted) / wanted, 0.03)

    def test_pair_and_site_are_deterministic(self) -> None:
        for shuffle in ([], ["--shuffle"]):
            digests = []
            for hash_seed in ("1", "2"):
                out = self.tmp / hash_seed
                run("pair", "--size", "200KB", "--seed", "3", *shuffle, "--old", str(out / "o.md"),
                    "--new", str(out / "n.md"), "--truth", str(out / "t.json"), hash_seed=hash_seed)
                digests.append([sha256(out / f) for f in ("o.md", "n.md", "t.json")])
            self.assertEqual(digests[0], digests[1])
        for hash_seed in ("1", "2"):
            run("site", "--versions", "4", "--size", "50KB", "--seed", "2",
                "--out", str(self.tmp / f"site{hash_seed}"), hash_seed=hash_seed)
        files = sorted(p.relative_to(self.tmp / "site1") for p in (self.tmp / "site1").rglob("*.*"))
        self.assertEqual([str(f) for f in files if f.suffix == ".md"],
                         ["v01.md", "v02.md", "v03.md", "v04.md"])
        for f in files:
            self.assertEqual(sha256(self.tmp / "site1" / f), sha256(self.tmp / "site2" / f))

    def test_every_clause_is_distinct(self) -> None:
        texts = [s.owner.clause.text for s in gp.clause_slots(gp.generate_policy(2_000_000, 1))]
        self.assertEqual(len(set(texts)), len(texts))

    def check_truth(self, shuffle: bool) -> dict:
        old, new, truth_path = self.tmp / "old.md", self.tmp / "new.md", self.tmp / "truth.json"
        run("pair", "--size", "500KB", "--seed", "5", "--old", str(old), "--new", str(new),
            "--truth", str(truth_path), *(["--shuffle"] if shuffle else []))
        old_lines = old.read_text(encoding="utf-8").split("\n")
        new_lines = new.read_text(encoding="utf-8").split("\n")
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for edit in truth["edits"]:
            text = edit["text"]
            with self.subTest(edit=edit):
                if edit["old"]:
                    line = clause_start(old_lines[edit["old"]["line"] - 1])
                    self.assertTrue(text.startswith(line[:60]))  # a wrapped line is shorter
                if edit["new"]:
                    line = clause_start(new_lines[edit["new"]["line"] - 1])[:len(text)]
                    if edit["reworded"]:
                        self.assertGreater(difflib.SequenceMatcher(None, line, text).ratio(), 0.6)
                    else:
                        self.assertTrue(text.startswith(line[:60]))
                if edit["kind"] == "moved" and not shuffle:
                    self.assertNotEqual(edit["old"]["line"], edit["new"]["line"])
        self.assertEqual({k: sum(e["kind"] == k for e in truth["edits"]) for k in truth["totals"]},
                         truth["totals"])
        return truth

    def test_truth_points_at_clauses(self) -> None:
        truth = self.check_truth(shuffle=False)
        clauses = truth["clauses"]["old"]
        totals = truth["totals"]
        self.assertEqual(totals["moved"], round(clauses * 0.01))
        self.assertEqual(totals["added"] + totals["removed"], round(clauses * 0.01))
        moved = [e for e in truth["edits"] if e["kind"] == "moved"]
        self.assertTrue(any(e["old"]["section"] != e["new"]["section"] for e in moved))
        self.assertTrue(any(e["reworded"] for e in moved))

    def test_shuffle_moves_every_clause(self) -> None:
        truth = self.check_truth(shuffle=True)
        totals = truth["totals"]
        self.assertEqual(totals["moved"], truth["clauses"]["old"] - totals["removed"])
        self.assertEqual(totals["modified"], 0)

    @unittest.skipUnless(shutil.which("cmark-gfm"), "cmark-gfm not installed")
    def test_markdown_structure_matches_model(self) -> None:
        """cmark-gfm must see exactly the paragraphs, items and headings the model has."""
        old = gp.generate_policy(800_000, 9)
        new, _ = gp.edit_policy(old, gp.random.Random(1), 0.05, 0.05, 0.05, shuffle=False)
        shuffled, _ = gp.edit_policy(old, gp.random.Random(2), 0.05, 0.05, 0.05, shuffle=True)
        for policy in (old, new, shuffled):
            text, _ = gp.render(policy)
            html = subprocess.run(["cmark-gfm", "-e", "table", "-e", "autolink"], input=text,
                                  capture_output=True, text=True, check=True).stdout
            blocks = [b for s in policy.sections for b in s.blocks]
            items = sum(1 for s in gp.clause_slots(policy) if isinstance(s.owner, gp.Item))
            paras = len(policy.preamble) + sum(isinstance(b, gp.Para) for b in blocks)
            self.assertEqual(html.count("<li>"), items)
            self.assertEqual(html.count("<p>"), paras + 1)  # + the Last Updated line
            self.assertEqual(html.count("<h3>"), len(policy.sections))
            self.assertEqual(html.count("<h2>"), sum(isinstance(b, gp.Subheading) for b in blocks))
            self.assertEqual(html.count("<table>"), sum(isinstance(b, gp.Table) for b in blocks))
            self.assertEqual(html.count("<h1>"), 1)

    def test_users(self) -> None:
        count = 20_000
        run("users", "--count", str(count), "--seed", "1", "--out", str(self.tmp / "u.csv"))
        run("users", "--count", str(count), "--seed", "1", "--out", str(self.tmp / "u.jsonl"))
        with (self.tmp / "u.csv").open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with (self.tmp / "u.jsonl").open(encoding="utf-8") as f:
            records = [json.loads(line) for line in f]
        self.assertEqual(len(rows), count)
        self.assertEqual([{**r, "id": str(r["id"])} for r in records], rows)
        self.assertTrue((self.tmp / "u.csv").read_bytes().startswith(b"id,email,name,locale,status\r\n"))
        share = lambda pred: sum(1 for r in rows if pred(r)) / count  # noqa: E731
        self.assertAlmostEqual(share(lambda r: r["status"] == "active"), 0.9, delta=0.01)
        valid = re.compile(r"[a-z0-9]+(\.[a-z0-9]+)*@[A-Za-z0-9]+(\.[A-Za-z0-9]+)+")
        self.assertAlmostEqual(share(lambda r: not valid.fullmatch(r["email"])), 0.01, delta=0.003)
        emails = [r["email"] for r in rows if valid.fullmatch(r["email"])]
        self.assertAlmostEqual((len(emails) - len({e.lower() for e in emails})) / count, 0.005,
                               delta=0.002)
        self.assertEqual(len(set(emails)), len(emails))  # duplicates differ in case only
        self.assertTrue(any(re.search(r"[\u0590-\u06ff]", r["name"]) for r in rows))
        self.assertTrue(any(re.search(r"[\u4e00-\u9fff]", r["name"]) for r in rows))


if __name__ == "__main__":
    unittest.main()
