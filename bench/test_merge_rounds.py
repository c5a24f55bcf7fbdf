#!/usr/bin/env python3
"""Self-test of merge_rounds.py: `python3 bench/test_merge_rounds.py` (no pytest).

Two rounds of two commands, the second round in the other order, merge into one result per
command in the first round's order, over every run; a command missing from a round is refused.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def result(command: str, times: list[float], exit_codes: list[int]) -> dict:
    return {"command": command, "times": times, "exit_codes": exit_codes, "mean": statistics.fmean(times),
            "stddev": 0.0, "median": statistics.median(times), "user": 0.01, "system": 0.002,
            "min": min(times), "max": max(times)}


def merge(folder: Path, rounds: list[list[dict]]) -> subprocess.CompletedProcess:
    paths = []
    for index, results in enumerate(rounds):
        path = folder / f"round{index}.json"
        path.write_text(json.dumps({"results": results}))
        paths.append(str(path))
    return subprocess.run([sys.executable, str(BENCH / "merge_rounds.py"), str(folder / "merged.json"), *paths],
                          capture_output=True, text=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        done = merge(folder, [
            [result("policyc", [0.060, 0.062], [0, 0]), result("git", [0.020, 0.022], [1, 1])],
            [result("git", [0.030], [0]), result("policyc", [0.070, 0.072, 0.074], [0, 0, 0])],
        ])
        assert done.returncode == 0, done.stderr
        ours, reference = json.loads((folder / "merged.json").read_text())["results"]
        assert ours["command"] == "policyc" and reference["command"] == "git", (ours["command"], reference["command"])
        assert ours["times"] == [0.060, 0.062, 0.070, 0.072, 0.074], ours["times"]
        assert abs(ours["mean"] - 0.0676) < 1e-9, ours["mean"]
        assert ours["min"] == 0.060 and ours["max"] == 0.074 and ours["median"] == 0.070
        assert abs(ours["stddev"] - statistics.stdev(ours["times"])) < 1e-12
        assert reference["exit_codes"] == [1, 1, 0], reference["exit_codes"]
        assert abs(reference["mean"] - 0.024) < 1e-9, reference["mean"]

        refused = merge(folder, [[result("policyc", [0.06], [0]), result("git", [0.02], [1])],
                                 [result("policyc", [0.07], [0])]])
        assert refused.returncode != 0 and "not in every round" in refused.stderr, refused.stderr
    print("merge_rounds.py: ok")


if __name__ == "__main__":
    main()
