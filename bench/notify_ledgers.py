#!/usr/bin/env python3
"""bench/run notify's ledger rows: notify into SQLite and into PostgreSQL, and send with 1, 2, 4 workers.

    notify_ledgers.py --policyc BIN --project DIR --users EXPORT [--send-users N]

Starts a throwaway PostgreSQL cluster (as tests/notices/check_delivery.py does: initdb in a temporary
folder, pg_ctl on a free loopback port, the server's defaults otherwise, fsync included), then:
  * `policyc notify` of EXPORT into a fresh SQLite ledger and into a fresh PostgreSQL database, one
    after the other, time and peak RSS of policyc (/usr/bin/time; the server's own memory is not
    policyc's). Targets: PostgreSQL within 2× SQLite's time, RSS < 100 MB.
  * `policyc send` of the first N Users (default 2 000) of a PostgreSQL release by 1, 2 and 4 workers
    at once, with `cat >/dev/null` as the command (a local sink: what is measured is policyc's own
    cost per message, staging, the keeper, the claims), messages a second.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "notices"))
import check_delivery as delivery  # noqa: E402  (its PostgreSQL server)


def timed(command, cwd, env):
    """(seconds, peak RSS in MB, stdout) of a command run under /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as figures:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", figures.name, *command], cwd=cwd, env=env,
                                capture_output=True)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command[:3])} failed: {result.stderr.decode(errors='replace')[-2000:]}")
        seconds, kib = figures.read().split()[-2:]
    return float(seconds), int(kib) * 1024 / 1e6, result.stdout


def project_copy(source, target, ledger):
    """The bench's project with its own ledger (and no notices yet)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("notices"))
    env = dict(os.environ)
    env.pop("POLICYC_LEDGER_URL", None)
    if ledger:
        env["POLICYC_LEDGER_URL"] = ledger
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policyc", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--send-users", type=int, default=2000)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    options = parser.parse_args()
    policyc = str(pathlib.Path(options.policyc).resolve())
    users = str(pathlib.Path(options.users).resolve())
    work = pathlib.Path(tempfile.mkdtemp(prefix="policyc-ledgers-", dir=pathlib.Path(options.workdir).resolve()))
    server = delivery.PostgresServer()
    try:
        notify = [policyc, "notify", "privacy-policy", "--users", users, "--today", "2026-11-21", "--json"]
        rows = []
        for kind in ("sqlite", "postgresql"):
            project = work / kind
            env = project_copy(options.project, project, server.fresh_database() if kind == "postgresql" else None)
            seconds, rss, out = timed(notify, project, env)
            report = json.loads(out)
            rows.append((kind, report["planned"], seconds, rss, report["ledgerSeconds"]))
            shutil.rmtree(project / "notices", ignore_errors=True)
        print("\nnotify into each ledger (release build; PostgreSQL on this machine, loopback)")
        print("ledger | notices | time | msgs/s | ledger share | peak RSS (policyc)")
        print("--- | --- | --- | --- | --- | ---")
        for kind, planned, seconds, rss, ledger_seconds in rows:
            print(f"{kind} | {planned:,} | {seconds:.1f} s | {planned / seconds:,.0f} | {ledger_seconds / seconds:.0%} | {rss:.0f} MB")
        ratio = rows[1][2] / rows[0][2]
        missed = [text for text, bad in ((f"{ratio:.2f}× SQLite's time (target ≤ 2×)", ratio > 2),
                                        (f"peak RSS {rows[1][3]:.0f} MB (target < 100 MB)", rows[1][3] >= 100)) if bad]
        print(f"PostgreSQL: {ratio:.2f}× SQLite's time; targets (≤ 2×, RSS < 100 MB): "
              + (f"MISSED ({'; '.join(missed)})" if missed else "met"))

        # send: the first N Users of the export, planned once per worker count into a fresh database.
        head = work / "send-users.jsonl"
        with open(users, "rb") as source, open(head, "wb") as target:
            for _ in range(options.send_users):
                target.write(source.readline())
        print(f"\nsend into a local sink (cat >/dev/null), {options.send_users:,}-User release, PostgreSQL ledger")
        print("workers | messages | time | msgs/s")
        print("--- | --- | --- | ---")
        for workers in (1, 2, 4):
            project = work / f"send-{workers}"
            env = project_copy(options.project, project, server.fresh_database())
            subprocess.run([policyc, "notify", "privacy-policy", "--users", str(head), "--today", "2026-11-21"], cwd=project,
                           env=env, check=True, capture_output=True)
            started = time.monotonic()
            senders = [subprocess.Popen([policyc, "send", "--release", "privacy-policy@v2", "--command", "cat >/dev/null",
                                         "--json"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                       for _ in range(workers)]
            sent = 0
            for sender in senders:
                out, err = sender.communicate()
                if sender.returncode != 0:
                    raise SystemExit(f"send failed: {err.decode(errors='replace')}")
                sent += json.loads(out)["sent"]
            seconds = time.monotonic() - started
            print(f"{workers} | {sent:,} | {seconds:.1f} s | {sent / seconds:,.0f}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
