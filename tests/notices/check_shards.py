#!/usr/bin/env python3
"""Several machines on one PostgreSQL ledger: shards, concurrent senders, a server that goes away.

A throwaway PostgreSQL cluster, an aiosmtpd server in this process, msmtp as the send command, and
the real policyc binary, as tests/notices/check_delivery.py sets them up; then:
  * shards: two overlapping exports (the same mailbox under different ids and in another case, and
    the same id at another address) planned by `notify --shard 1/2` and `--shard 2/2`, two processes
    at a time, each export by both shards: no User and no mailbox planned twice, every row of both
    exports either planned or recorded as merged, each notice on the shard its mailbox hashes to (the
    hash as notices.md documents it), one sequence of batch numbers, each batch file as the ledger says;
  * three `send` processes on one release of USERS Users against one ledger and one SMTP server,
    one of them SIGKILLed at moments drawn from a seeded generator (`--seed N` replays) and started
    again: every User received, at most one duplicate per kill (the documented window), and the
    ledger's sent notices exactly the Message-IDs the server received; the proof names each sender;
  * the server stopped in the middle of `send`: `send` fails with an error that says the ledger's
    server went away, and once it is back a re-run finishes; no message received twice beyond the
    one in flight when the server went away.
Prints one line per check and the figures, then 'checks: N passed, N failed'; exits 1 on a failure.
"""
import collections
import csv
import hashlib
import io
import json
import random
import signal
import subprocess
import sys
import pathlib
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_delivery as delivery  # noqa: E402  (its project, servers and msmtp set-up)

USERS = 20_000
KILLS = 5


def shard_of(mailbox, count):
    """notices.md: the first 8 bytes of SHA-256("policyc shard" NUL mailbox), big-endian, modulo N, plus 1."""
    digest = hashlib.sha256(b"policyc shard\0" + mailbox.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def start(policyc, project, *args):
    return subprocess.Popen([policyc.path, *args], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process):
    out, err = process.communicate()
    return process.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def shard_checks(results, policyc, folder):
    project = delivery.make_project(policyc, folder / "shards")
    first = [delivery.Row(f"a{n:04d}", f"user{n:04d}@example.com", f"User {n}") for n in range(3000)]
    # The second export: half of the first's mailboxes under other ids (every third in capitals),
    # new ones, and ten of the first's ids at other addresses.
    second = [delivery.Row(f"b{n:04d}", (f"USER{n:04d}@Example.COM" if n % 3 == 0 else f"user{n:04d}@example.com"), f"B {n}")
              for n in range(1500, 4500)]
    second += [delivery.Row(f"a{n:04d}", f"elsewhere{n:04d}@example.org", f"Moved {n}") for n in range(0, 100, 10)]
    header = b"id,email,name,locale,status\r\n"
    delivery.write_export(project / "first.csv", first, delivery.csv_row, header)
    delivery.write_export(project / "second.csv", second, delivery.csv_row, header)
    notify = ["notify", delivery.DOC, "--today", delivery.NOTIFY_DAY, "--batch-size", "100", "--json"]
    outcomes = []
    for pairs in ((("1/2", "first.csv"), ("2/2", "second.csv")), (("2/2", "first.csv"), ("1/2", "second.csv"))):
        running = [start(policyc, project, *notify, "--shard", shard, "--users", users) for shard, users in pairs]
        outcomes += [finish(process) for process in running]
    failed = [err for code, _, err in outcomes if code != 0]
    results.check(not failed, "four notify --shard runs, two at a time, all succeed", failed[:2])
    reports = [json.loads(out) for code, out, _ in outcomes if code == 0]

    notices = delivery.ledger(project, """
        SELECT n.user_id, n.address, b.shard, b.number, b.file, n.id - b.first_notice AS seq, n.message_id
        FROM notice n JOIN batch b ON b.id = n.batch_id ORDER BY n.id""")
    merged = delivery.ledger(project, "SELECT user_id, address, reason FROM merged")
    users = collections.Counter(row["user_id"] for row in notices)
    mailboxes = collections.Counter(row["address"].lower() for row in notices)
    results.check(max(users.values()) == 1 and max(mailboxes.values()) == 1,
                  f"no User and no mailbox planned twice ({len(notices)} notices)",
                  [key for key, count in (users + mailboxes).items() if count > 1][:5])
    every_row = {(row.id, row.email) for row in first + second}
    covered = {(row["user_id"], row["address"]) for row in notices} | {(row["user_id"], row["address"]) for row in merged}
    results.check(every_row == covered, "every row of both exports is planned, or merged into the notice that covers it",
                  sorted(every_row ^ covered)[:5])
    # 4500 mailboxes in both exports, and ten ids moved to a mailbox of their own: one of each pair planned.
    results.check(len(notices) == 4500, "one notice per mailbox, one per User", len(notices))
    wrong = [(row["address"], row["shard"]) for row in notices if row["shard"] != f"{shard_of(row['address'].lower(), 2)}/2"]
    results.check(not wrong, "each notice is on the shard its mailbox hashes to", wrong[:5])
    planned = sum(report["planned"] for report in reports)
    results.check(planned == len(notices) and all(report["planned"] > 0 for report in reports),
                  "the runs' reports add up to the ledger", [report["planned"] for report in reports])
    numbers = [row["number"] for row in delivery.ledger(project, "SELECT number FROM batch")]
    results.check(sorted(numbers) == list(range(1, len(numbers) + 1)), "one sequence of batch numbers across the shards",
                  sorted(numbers)[:10])
    out = project / "notices" / f"{delivery.DOC}-v2"
    lines = {}
    for path in out.glob("batch-*.jsonl"):
        for seq, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            lines[(path.name, seq)] = json.loads(line)["messageId"]
    mismatched = [row["message_id"] for row in notices if lines.get((row["file"], row["seq"])) != row["message_id"]]
    results.check(not mismatched and len(lines) == len(notices), "each batch file holds its notices at their places",
                  mismatched[:3])
    manifests = sorted(path.name for path in out.glob("manifest*.json"))
    results.check(manifests == ["manifest-1-of-2.json", "manifest-2-of-2.json"], "each shard writes its own manifest", manifests)
    proof = policyc(project, "notices", "proof", "--release", delivery.RELEASE)
    rows = list(csv.DictReader(io.StringIO(proof.stdout.decode(), newline="")))
    shards = collections.Counter(row["shard"] for row in rows if row["state"] == "written")
    results.check(proof.returncode == 0 and set(shards) == {"1/2", "2/2"} and sum(shards.values()) == len(notices),
                  "notices proof reads both shards and names each notice's", dict(shards))


def sender_kill_checks(seed, kills, results, policyc, inbox, folder, port):
    generator = random.Random(seed)
    project = delivery.make_project(policyc, folder / "senders")
    rows = [delivery.Row(f"s{n:05d}", f"user{n:05d}@example.com", f"User {n}") for n in range(USERS)]
    delivery.write_export(project / "users.csv", rows, delivery.csv_row, b"id,email,name,locale,status\r\n")
    policyc.must(project, "notify", delivery.DOC, "--users", "users.csv", "--today", delivery.NOTIFY_DAY)
    expected = {row["message_id"] for row in delivery.ledger(project, "SELECT message_id FROM notice")}
    inbox.messages.clear()
    send = ["send", "--release", delivery.RELEASE, "--command", delivery.msmtp_command(folder, port),
            "--retry-delay", "0", "--timeout", "10", "--json"]
    started = time.monotonic()
    senders = [start(policyc, project, *send) for _ in range(3)]
    victim = 0
    killed = 0
    runs = []
    # Kill the victim at moments spread over the first part of the run, then let the three finish.
    while killed < kills:
        time.sleep(generator.uniform(1.0, 6.0))
        if senders[victim].poll() is not None:
            break
        senders[victim].send_signal(signal.SIGKILL)
        senders[victim].wait()
        killed += 1
        senders[victim] = start(policyc, project, *send)
        victim = generator.randrange(3)
    for process in senders:
        runs.append(finish(process))
    elapsed = time.monotonic() - started
    failed = [err for code, _, err in runs if code != 0]
    results.check(not failed, "the three senders finish without an error", failed[:2])
    received = collections.Counter()
    for message in inbox.messages:
        received[delivery.email.message_from_bytes(message.content)["Message-ID"]] += 1
    duplicates = sum(count - 1 for count in received.values())
    results.check(set(received) == expected, f"every one of {USERS} Users received their notice",
                  f"{len(expected - set(received))} never received")
    results.check(duplicates <= killed, f"at most one duplicate per kill ({duplicates} for {killed} kills)",
                  [key for key, count in received.items() if count > 1][:5])
    sent = {row["message_id"] for row in delivery.ledger(project, "SELECT message_id FROM notice WHERE state = 'sent'")}
    results.check(sent == set(received), "the ledger's sent notices are what the server received",
                  f"{len(sent - set(received))} sent not received, {len(set(received) - sent)} received not sent")
    proof = policyc(project, "notices", "proof", "--release", delivery.RELEASE, "--format", "json")
    notices = json.loads(proof.stdout).get("notices", []) if proof.returncode == 0 else []
    results.check(len(notices) == USERS and all(row.get("host") for row in notices),
                  "notices proof names the machine that sent each notice", proof.stderr.decode(errors="replace")[:200])
    staging = project / "notices" / ".send"
    results.check(not staging.exists(), "no staging folder left behind by the killed senders",
                  sorted(path.name for path in staging.iterdir()) if staging.exists() else "")
    print(f"figures: {USERS} Users, 3 senders, {killed} kills, {duplicates} duplicates, {elapsed:.1f} s "
          f"({USERS / elapsed:.0f} messages a second)")


def server_restart_checks(results, policyc, inbox, folder, port):
    project = delivery.make_project(policyc, folder / "restart")
    rows = [delivery.Row(f"r{n:04d}", f"user{n:04d}@example.net", f"User {n}") for n in range(600)]
    delivery.write_export(project / "users.csv", rows, delivery.csv_row, b"id,email,name,locale,status\r\n")
    policyc.must(project, "notify", delivery.DOC, "--users", "users.csv", "--today", delivery.NOTIFY_DAY)
    inbox.messages.clear()
    send = ["send", "--release", delivery.RELEASE, "--command", delivery.msmtp_command(folder, port),
            "--retry-delay", "0", "--timeout", "10"]
    process = start(policyc, project, *send)
    deadline = time.monotonic() + 60
    while len(inbox.messages) < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    delivery.POSTGRES.run("pg_ctl", "-D", f"{delivery.POSTGRES.folder}/data", "-m", "fast", "-w", "stop")
    code, _, err = finish(process)
    during = len(inbox.messages)
    results.check(code != 0 and "ledger" in err and ("terminat" in err or "connection" in err or "server" in err),
                  "send stops with an error naming the ledger and its lost server", err.strip()[-300:])
    delivery.POSTGRES.run("pg_ctl", "-D", f"{delivery.POSTGRES.folder}/data", "-l", f"{delivery.POSTGRES.folder}/server.log",
                          "-w", "-o", f"-p {delivery.POSTGRES.port} -k {delivery.POSTGRES.folder} "
                          "-c listen_addresses=127.0.0.1 -c fsync=off", "start")
    again = policyc(project, *send, "--json")
    report = json.loads(again.stdout) if again.returncode == 0 else {}
    results.check(report.get("remaining") == 0 and report.get("totalSent") == len(rows),
                  "once the server is back, a re-run sends the rest", again.stderr.decode(errors="replace")[-300:])
    received = collections.Counter(delivery.email.message_from_bytes(m.content)["Message-ID"] for m in inbox.messages)
    duplicates = sum(count - 1 for count in received.values())
    results.check(len(received) == len(rows) and duplicates <= 1,
                  f"every User received, no duplicate beyond the message in flight ({duplicates})",
                  [key for key, count in received.items() if count > 1])
    print(f"figures: {during} received before the server stopped, {duplicates} duplicates; send said: "
          f"{err.strip().splitlines()[-1] if err.strip() else ''}")


def main():
    global USERS
    options = delivery.arguments(__doc__,
                                 ("--seed", dict(type=int, default=random.SystemRandom().randrange(2 ** 32))),
                                 ("--kills", dict(type=int, default=KILLS, help=f"how many senders to kill (default {KILLS})")),
                                 ("--users", dict(type=int, default=USERS, help=f"Users of the sender check (default {USERS})")))
    USERS = options.users
    print(f"seed: {options.seed} (replay: --seed {options.seed})")

    def checks(results, policyc, inbox, folder, port):
        shard_checks(results, policyc, folder)
        sender_kill_checks(options.seed, options.kills, results, policyc, inbox, folder, port)
        server_restart_checks(results, policyc, inbox, folder, port)

    delivery.run_checks(options.policyc, checks, "postgresql")


if __name__ == "__main__":
    main()
