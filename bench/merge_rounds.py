#!/usr/bin/env python3
"""Merges the hyperfine JSON of several rounds of the same two commands into one, as hyperfine
would have written it had it run them all: per command, every run's time and exit code, and the
mean, standard deviation, median, min and max over all of them.

    merge_rounds.py OUT.json ROUND.json...

bench/run times policyc and its reference in alternating rounds (policyc first, then the
reference first, ...): the host's speed drifts over seconds, and one long batch of each would give
the drift to one side. Results are matched by name, in the first round's order.
"""

import json
import statistics
import sys
from pathlib import Path


def merged(results: list[dict]) -> dict:
    times = [time for result in results for time in result["times"]]
    result = dict(results[0])
    result.update(
        times=times,
        exit_codes=[code for result in results for code in result["exit_codes"]],
        mean=statistics.fmean(times),
        stddev=statistics.stdev(times) if len(times) > 1 else 0.0,
        median=statistics.median(times),
        min=min(times),
        max=max(times),
        user=statistics.fmean(result["user"] for result in results),
        system=statistics.fmean(result["system"] for result in results),
    )
    return result


def main() -> None:
    out, *rounds = map(Path, sys.argv[1:])
    if not rounds:
        raise SystemExit("usage: merge_rounds.py OUT.json ROUND.json...")
    by_round = [json.loads(path.read_text())["results"] for path in rounds]
    names = [result["command"] for result in by_round[0]]
    results = []
    for name in names:
        same = [result for round_results in by_round for result in round_results if result["command"] == name]
        if len(same) != len(rounds):
            raise SystemExit(f"merge_rounds.py: '{name}' is not in every round")
        results.append(merged(same))
    out.write_text(json.dumps({"results": results}, indent=1))


if __name__ == "__main__":
    main()
