#!/usr/bin/env python3
"""Kills `policyc send` at random moments while msmtp delivers to an SMTP server, then counts.

A project with 600 Users whose notice quotes the new and the old text in full (about 80 KB a
message, more than a pipe holds, as a long notice is), sent by msmtp to an aiosmtpd server in this
process on 127.0.0.1. `policyc send` is started and SIGKILLed 50 times at moments drawn from a
seeded generator (the seed is printed: `--seed N` replays a run), then run to completion. At the
server:
  * cut messages: every message received must be one the batches hold, byte for byte, with its
    closing MIME boundary (none may be cut short by a kill);
  * duplicates: a Message-ID received twice is allowed only in the window between the MTA accepting
    and the ledger recording `sent`: at most one per kill;
  * every User received their notice, and the ledger says sent;
  * no msmtp outlives the policyc that started it;
  * nothing is left in the system's temporary folder, nor in notices/.send after the last run.
Prints one line per check and the figures, then 'checks: N passed, N failed'; exits 1 on a failure.
"""
import collections
import email
import email.policy
import html
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import check_delivery as delivery  # noqa: E402  (its project, server and msmtp set-up)

USERS = 600
KILLS = 50


def long_notice(policyc, project):
    """Templates that quote the new text, and in the text part the old one too: each message
    outgrows a 64 KB pipe buffer, so a sender that streams it can be killed halfway. The built-in
    templates are exported into the project, then lengthened."""
    policyc.must(project, "templates", "export")
    new = (project / "policy" / f"{delivery.DOC}.md").read_text(encoding="utf-8").replace("{{", "{ {")
    # v1 is the project's own policy, which make_project copied before changing it.
    old = (delivery.ROOT / "policy" / f"{delivery.DOC}.md").read_text(encoding="utf-8").replace("{{", "{ {")
    templates = project / "templates" / "email"
    text = templates / "notice.text.mustache"
    text.write_text(text.read_text(encoding="utf-8") + f"\n\nTHE NEW TEXT\n\n{new}\n\nTHE TEXT IT REPLACES\n\n{old}\n",
                    encoding="utf-8")
    page = templates / "notice.html.mustache"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", f"<pre>{html.escape(new)}</pre>\n</body>"),
                    encoding="utf-8")


def batch_messages(out):
    """Message-ID -> the bytes the server must receive (the batches hold them with CRLF)."""
    messages = {}
    for path in sorted(out.glob("batch-*.jsonl")):
        for line in path.read_bytes().splitlines():
            entry = json.loads(line)
            messages[entry["messageId"]] = entry["raw"].encode()
    return messages


def whole(content):
    """The message parses, and its multipart body ends with the closing boundary."""
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    boundary = parsed.get_boundary()
    return (boundary is not None and not parsed.defects
            and content.rstrip(b"\r\n").endswith(b"--" + boundary.encode() + b"--")), str(parsed["Message-ID"]).strip()


def living_commands(marker):
    """Processes (not zombies) whose command line holds `marker`: msmtp runs this test started."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in command and stat[stat.rindex(")") + 2] != "Z":
            found.append(int(entry.name))
    return found


def kill_checks(seed, kills, results, policyc, inbox, folder, port):
    generator = random.Random(seed)
    project = delivery.make_project(policyc, folder / "kills")
    long_notice(policyc, project)
    rows = [delivery.Row(f"k{n:04d}", f"user{n:04d}@example.com", f"User {n:04d}") for n in range(USERS)]
    delivery.write_export(project / "users.csv", rows, delivery.csv_row, b"id,email,name,locale,status\r\n")
    policyc.must(project, "notify", delivery.DOC, "--users", "users.csv", "--today", delivery.NOTIFY_DAY,
                 "--batch-size", "10")
    out = project / "notices" / f"{delivery.DOC}-v2"
    expected = batch_messages(out)
    size = sum(map(len, expected.values())) // len(expected)
    print(f"{len(expected)} messages of {size // 1024} KB on average")

    command = delivery.msmtp_command(folder, port)
    marker = str(folder / "msmtprc").encode()
    own_temporary = folder / "tmp"
    own_temporary.mkdir()
    env = dict(os.environ, TMPDIR=str(own_temporary))
    env.pop("POLICYC_CRASH_AT", None)
    send = [policyc.path, "send", "--release", delivery.RELEASE, "--command", command, "--retry-delay", "0"]
    orphans = 0
    kill_started = time.monotonic()
    for _ in range(kills):
        process = subprocess.Popen(send, cwd=project, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(generator.uniform(0.1, 1.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        # The keeper kills the command's group when policyc dies; give the kernel a moment.
        deadline = time.monotonic() + 1
        while living_commands(marker) and time.monotonic() < deadline:
            time.sleep(0.01)
        orphans += bool(living_commands(marker))
    killed_runs = time.monotonic() - kill_started
    received_by_kills = len(inbox.messages)

    final_started = time.monotonic()
    final = subprocess.run(send + ["--json"], cwd=project, env=env, capture_output=True)
    final_run = time.monotonic() - final_started
    report = json.loads(final.stdout) if final.returncode == 0 else {}
    results.check(final.returncode == 0 and report.get("remaining") == 0 and report.get("totalSent") == USERS,
                  "the last run completes: every notice sent", report or final.stderr.decode(errors="replace"))

    cut = []
    received = collections.Counter()
    for message in inbox.messages:
        complete, message_id = whole(message.content)
        received[message_id] += 1
        if not complete or expected.get(message_id) != message.content:
            cut.append((message_id, len(message.content), len(expected.get(message_id, b""))))
    duplicates = sum(count - 1 for count in received.values())
    results.check(not cut, "no cut message: each received message is whole and the batch's, byte for byte",
                  f"{len(cut)} cut, e.g. {cut[:3]}")
    results.check(duplicates <= kills, f"duplicates at most one per kill ({duplicates} for {kills} kills)",
                  dict((key, count) for key, count in received.items() if count > 1))
    results.check(set(received) == set(expected), "every User received their notice",
                  f"{len(set(expected) - set(received))} never received")
    sent = delivery.ledger(project, "SELECT COUNT(*) FROM notice WHERE state = 'sent'")[0][0]
    results.check(sent == USERS, "the ledger has every notice sent", sent)
    results.check(orphans == 0, "no msmtp outlived the policyc that started it", f"after {orphans} of {kills} kills")
    leftovers = list(own_temporary.iterdir())
    results.check(not leftovers, "nothing left in the system's temporary folder", [p.name for p in leftovers[:5]])
    staging = project / "notices" / ".send"
    results.check(not staging.exists(), "the last run removed what the killed runs staged in notices/.send",
                  sorted(p.name for p in staging.iterdir())[:5] if staging.exists() else "")
    print(f"figures: {len(inbox.messages)} received for {USERS} Users ({received_by_kills} during the killed runs), "
          f"{duplicates} duplicates for {kills} kills, {len(cut)} cut, {orphans} surviving commands; "
          f"killed runs {killed_runs:.1f} s, last run {final_run:.1f} s ({report.get('sent', 0)} sent, "
          f"{report.get('resent', 0)} sent again)")


def main():
    options = delivery.arguments(__doc__,
                                 ("--seed", dict(type=int, default=random.SystemRandom().randrange(2 ** 32))),
                                 ("--kills", dict(type=int, default=KILLS, help=f"how many runs to kill (default {KILLS})")))
    print(f"seed: {options.seed} (replay: --seed {options.seed})")
    delivery.run_checks(options.policyc, lambda *context: kill_checks(options.seed, options.kills, *context), options.ledger)


if __name__ == "__main__":
    main()
