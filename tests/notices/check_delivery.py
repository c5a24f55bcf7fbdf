#!/usr/bin/env python3
"""Delivers the advance notices of a material release through a real SMTP server, end to end.

Builds a throwaway project with two releases of the project's own privacy policy (v2 material),
writes a hostile export of the user base, and then:
  * `policyc notify` (CSV, batches of 7) lists every bad row in its run's rejects-NNNNNN.csv with its
    line and what was done about it, plans each eligible User once, and plans nobody again when re-run;
  * `policyc send` hands the messages to msmtp, which delivers them to an aiosmtpd server in this
    process; it is killed once after marking a message `sending` (before the command runs) and once
    after the command succeeded (the documented at-least-once window), then run to completion;
  * every received message parses cleanly with Python's `email` package: one recipient, the one the
    ledger names; the display name is the export's (none when it was dropped); the subject, both
    alternatives with their links; the Message-ID the ledger recorded; no header outside the
    expected set; no line over 998 bytes; one copy per User except the one in the window;
  * `notices status` and `notices proof` (CSV and JSON) agree with the ledger;
  * `notify` refuses an editorial release, and a release on its effective date (exit 1);
  * in a second project, `notify` of a JSON Lines export is killed after planning a batch and after
    renaming one into place; the re-runs leave every eligible User in exactly one batch, and the
    batch files match the ledger line by line.
  * a notice planned without a base URL is re-planned (`notify --replan`) and `send` delivers the
    corrected links; once sent, a re-plan is refused, naming the edited template;
  * a project moved elsewhere sends its notices and proves them there;
  * a send command that does not exist fails at once (127, no retry), its words in every report;
  * a consent release: the French email carries the consent paragraph, French dates and labels;
    pt-BR falls back to pt; a User with no name is greeted "Hello," (never by their address);
  * each run's rejects file is its own, and `notices proof` lists every row not notified and why.
Needs msmtp (Debian `msmtp`) and aiosmtpd (PyPI). Prints one line per check, then
'checks: N passed, N failed', and exits 1 when anything failed.
"""
import argparse
import collections
import csv
import dataclasses
import email
import email.header
import email.policy
import email.utils
import hashlib
import html
import io
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

from aiosmtpd.controller import Controller

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILT_IN_EMAIL = ROOT / "Sources" / "PolicyNotice" / "EmailTemplates"


def copy_unreleased_policy(project):
    """The project's own privacy policy and config as a project never released (not its archive). With
    --ledger postgresql, its notice.ledger is a fresh database of the throwaway server (in policyc.yml,
    so a copy of the project keeps its ledger, as a project whose ledger is a server's does)."""
    (project / "policy").mkdir(parents=True)
    for name in ("privacy-policy.md", "policyc.yml"):
        shutil.copy(ROOT / "policy" / name, project / "policy" / name)
    if POSTGRES:
        config = project / "policy" / "policyc.yml"
        text = config.read_text(encoding="utf-8")
        assert text.count("\nnotice:\n") == 1
        config.write_text(text.replace("\nnotice:\n", f"\nnotice:\n  ledger: {POSTGRES.fresh_database()}\n"), encoding="utf-8")


class PostgresServer:
    """A throwaway PostgreSQL cluster on a free loopback port (initdb in a temporary folder, pg_ctl
    start), as the postgres user when running as root: the server refuses root."""

    def __init__(self):
        self.bin = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        self.folder = tempfile.mkdtemp(prefix="policyc-pg-")
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        self.run("initdb", "-D", f"{self.folder}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.run("pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/server.log", "-w", "-o",
                 f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self.count = 0

    def run(self, program, *arguments):
        command = [f"{self.bin}/{program}", *arguments]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Output to a file: the server pg_ctl starts would hold a pipe open.
        with tempfile.TemporaryFile() as output:
            result = subprocess.run(command, cwd=self.folder, stdout=output, stderr=output)
            if result.returncode != 0:
                output.seek(0)
                raise SystemExit(f"{program} failed: {output.read().decode(errors='replace')}")

    def psql(self, sql, database="postgres"):
        result = subprocess.run([f"{self.bin}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                                 "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout

    def fresh_database(self):
        self.count += 1
        name = f"delivery_{self.count}"
        self.psql(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        self.run("pg_ctl", "-D", f"{self.folder}/data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


# The server of --ledger postgresql; None for the SQLite ledger.
POSTGRES = None


class LedgerRow(tuple):
    """A row as sqlite3.Row gives it: by position, or by column name."""

    def __new__(cls, pairs):
        row = super().__new__(cls, [value for _, value in pairs])
        row.names = [name for name, _ in pairs]
        return row

    def __getitem__(self, key):
        return super().__getitem__(self.names.index(key) if isinstance(key, str) else key)

    def keys(self):
        return self.names


def sql_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"
DOC = "privacy-policy"
RELEASE = f"{DOC}@v2"
SENDER = "legal@quillmate.example"
PAGE_URL = "https://quillmate.example/legal/privacy-policy/v2.html"
CHANGES_URL = "https://quillmate.example/legal/privacy-policy/v2-changes.html"
NOTIFY_DAY = "2026-11-21"
EFFECTIVE_DAY = "2026-12-20"
SUBJECTS = {"": "Changes to our Privacy Policy, effective 20 December 2026",
            "fr": "Modifications de notre Privacy Policy, en vigueur le 20 décembre 2026"}
GREETINGS = {"": "Hello", "fr": "Bonjour"}
# The author's release notes, which every message leads with, above the clause-by-clause details.
NOTES = "We now ask for your **phone number** when you create an account & keep it < 2 years.\n"
NOTES_TEXT = "We now ask for your phone number when you create an account & keep it < 2 years."
NOTES_HTML = "<p>We now ask for your <strong>phone number</strong> when you create an account &amp; keep it &lt; 2 years.</p>"
NOTES_HEADINGS = {"": ("WHAT IS CHANGING", "IN DETAIL, SECTION BY SECTION"),
                  "fr": ("CE QUI CHANGE", "LE DÉTAIL, SECTION PAR SECTION")}
# What policyc writes. msmtp adds no header to a message that has Date, From and Message-ID, and
# the server below records the bytes as they arrive, so nothing else may appear.
HEADERS = {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted", "Content-Type"}
EVIL = "attacker@evil.example"


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok: {what}")
        else:
            self.failed.append(what)
            print(f"FAIL: {what}" + (f": {detail}" if detail else ""))
        return condition


@dataclasses.dataclass
class Row:
    """A row of the export, and what notify must do with it."""
    id: str
    email: str
    name: str = ""
    locale: str = "en"
    status: str = "active"
    expect: str = "sent"  # sent | name-dropped | rejected | merged | ineligible
    raw: bytes | None = None  # the row's own bytes, for rows that are not well-formed
    line: int = 0  # where it starts in the export, set when the export is written

    @property
    def notified(self):
        return self.expect in ("sent", "name-dropped")

    @property
    def shown_name(self):
        return self.name if self.expect == "sent" else ""

    @property
    def template(self):
        """The template set notify picks: fr and fr-CA have French ones; other locales the default."""
        return "fr" if self.locale.lower().split("-")[0] == "fr" else ""

    @property
    def html_template(self):
        """A set without its own HTML uses the default one (when the built-in templates have no French HTML)."""
        own = ROOT / "Sources" / "PolicyNotice" / "EmailTemplates" / f"notice.{self.template}.html.mustache"
        return self.template if self.template and own.exists() else ""


def csv_users():
    """About forty ordinary Users around the hostile rows, so line numbers after them are tested too."""
    ordinary = [Row(f"u{n:03d}", f"user{n:03d}@example.com", f"User {n:03d}", ("en", "fr", "", "fr-CA")[n % 4])
                for n in range(1, 41)]
    bcc = f"Bcc: {EVIL}"
    hostile = [
        Row("h01", "mallory@example.com", f"Mallory\r\n{bcc}", expect="name-dropped"),
        Row("h02", "eve@example.com", f"Eve\r{bcc}", expect="name-dropped"),
        Row("h03", "trent@example.com", f"Trent\u2028{bcc}", expect="name-dropped"),
        Row("h04", f"victim@example.com\r\n{bcc}", "Victor", expect="rejected"),
        Row("h05", "long@example.com", "A" * 10240, expect="name-dropped"),
        # 10 KB too, but one character to the eye: a letter and 5120 combining accents.
        Row("h06", "accents@example.com", "Z" + "\u0301" * 5120, expect="name-dropped"),
        Row("h07", "li.na@example.com", "李娜", locale="zh"),
        Row("h08", "longest@example.com", "名" * 200),  # the longest name that is kept
        Row("h09", "elodie@example.com", "Élodie Dupré", locale="fr"),
        Row("h10", "party@example.com", "Zoë 🎉 Party 👩‍💻"),
        Row("h11", "mohammed@example.com", "محمد علي", locale="ar"),
        Row("h12", "david@example.com", "דוד כהן", locale="he"),
        Row("h13", "john.smith@example.com", 'Smith, John "Johnny"'),
        Row("h14", "bob@example.com", f"Bob <{EVIL}>"),
        Row("h15", "encoded@example.com", "=?UTF-8?B?QmNjOiBhdHRhY2tlckBldmlsLmV4YW1wbGU=?="),
        Row("h16", "markup@example.com", "<b>Bold</b> & Co"),
        Row("h17", "not-an-address", "Nobody", expect="rejected"),
        Row("h18", "two@@example.com", "Two Ats", expect="rejected"),
        Row("h19", "user@localhost", "Local", expect="rejected"),
        Row("h20", "", "Empty", expect="rejected"),
        Row("h21", "josé@example.com", "José", expect="rejected"),
        Row("h22", "a b@example.com", "Space", expect="rejected"),
        Row("h23", "user@-bad.example", "Hyphen", expect="rejected"),
        Row("h24", "sam@Example.COM", "Sam Upper"),
        Row("h25", "sam@example.com", "Sam Lower", expect="merged"),
        # One mailbox whatever the local part's case (notice.dedupe: mailbox, the default).
        Row("h28", "SAM@example.com", "Sam Shouting", expect="merged"),
        Row("h26", "gone@example.com", "Gone", status="inactive", expect="ineligible"),
        Row("h27", "bad@example.com", expect="rejected", raw=b"h27,bad@example.com,Bad \xff\xfe Name,en,active\r\n"),
    ]
    truncated = Row("h99", "trunc@example.com", expect="rejected", raw=b"h99,trunc@example.com,Trun")
    return ordinary[:20] + hostile + ordinary[20:] + [truncated]


def jsonl_users():
    """A smaller JSON Lines export for the interrupted notify runs."""
    rows = [Row(f"j{n:03d}", f"person{n:03d}@example.org", f"Person {n:03d}", ("en", "fr")[n % 2]) for n in range(1, 17)]
    rows[3:3] = [
        Row("j90", "crlf@example.org", f"Crlf\r\nBcc: {EVIL}", expect="name-dropped"),
        Row("j91", "pat@Example.ORG", "Pat"),
        Row("j92", "pat@example.org", "Pat Again", expect="merged"),
        Row("j93", "nope", "Nope", expect="rejected"),
        Row("j94", "away@example.org", "Away", status="disabled", expect="ineligible"),
        Row("j95", "utf8@example.org", expect="rejected",
            raw=b'{"id":"j95","email":"utf8@example.org","name":"\xc3\x28"}\n'),
        Row("j96", "junk@example.org", expect="rejected", raw=b"this is not JSON\n"),
    ]
    rows.append(Row("j99", "cut@example.org", expect="rejected", raw=b'{"id":"j99","email":"cut@exa'))
    return rows


def mailbox(address):
    """Two addresses are one mailbox when they differ only in case (notice.dedupe: mailbox)."""
    return address.lower()


def csv_field(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_row(row):
    fields = (row.id, row.email, row.name, row.locale, row.status)
    return (",".join(csv_field(value) for value in fields) + "\r\n").encode()


def jsonl_row(row):
    fields = {"id": row.id, "email": row.email, "name": row.name, "locale": row.locale, "status": row.status}
    return (json.dumps(fields, ensure_ascii=False) + "\n").encode()


def write_export(path, rows, encode, header=b""):
    data = bytearray(header)
    for row in rows:
        row.line = data.count(b"\n") + 1
        data += row.raw if row.raw is not None else encode(row)
    path.write_bytes(bytes(data))


class Inbox:
    """aiosmtpd handler: keeps each message's envelope and its bytes exactly as they arrived."""

    Message = collections.namedtuple("Message", "mail_from rcpt_tos content")

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(self.Message(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def msmtp_command(folder, port):
    config = folder / "msmtprc"
    # `logfile` with no argument: no log ("logfile none" would log to a file called none).
    config.write_text(f"account default\nhost 127.0.0.1\nport {port}\nauth off\ntls off\n"
                      f"from {SENDER}\nlogfile\nsyslog off\n")
    return f"msmtp -C {shlex.quote(str(config))} -t"


class Policyc:
    def __init__(self, path):
        self.path = path

    def __call__(self, project, *args, crash_at=None):
        env = dict(os.environ)
        env.pop("POLICYC_CRASH_AT", None)
        if crash_at:
            env["POLICYC_CRASH_AT"] = crash_at
        return subprocess.run([self.path, *args], cwd=project, env=env, capture_output=True)

    def must(self, project, *args):
        result = self(project, *args)
        if result.returncode != 0:
            raise SystemExit(f"policyc {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")


def make_project(policyc, project):
    """v1, then v2 with a material change (a new kind of personal data), effective 2026-12-20."""
    copy_unreleased_policy(project)  # the built-in email templates serve: the project has no templates/
    policyc.must(project, "release", DOC, "--date", "2026-11-02")
    draft = project / "policy" / f"{DOC}.md"
    text = draft.read_text(encoding="utf-8")
    old = "email address and a password"
    assert text.count(old) == 1, old
    draft.write_text(text.replace(old, old + " and your phone number"), encoding="utf-8")
    (project / "policy" / f"{DOC}.notes.md").write_text(NOTES, encoding="utf-8")
    policyc.must(project, "release", DOC, "--date", "2026-11-20")
    return project


def ledger(project, sql, *params):
    if POSTGRES:
        # The project's database, from its policyc.yml; rows as JSON, so numbers stay numbers and NULL None.
        url = re.search(r"^  ledger: (\S+)$", (project / "policy" / "policyc.yml").read_text(encoding="utf-8"), re.M)[1]
        parts = iter(sql.split("?"))
        text = next(parts) + "".join(sql_literal(value) + part for value, part in zip(params, parts))
        rows = json.loads(POSTGRES.psql(f"SELECT COALESCE(json_agg(r), '[]') FROM ({text}) r", url.rsplit("/", 1)[1]),
                          object_pairs_hook=lambda pairs: pairs)
        return [LedgerRow(row) for row in rows]
    # mode=rw: a missing ledger is an error, not a new empty file.
    connection = sqlite3.connect(f"file:{project / 'notices' / 'ledger.sqlite'}?mode=rw", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def notices_in_order(project):
    return ledger(project, """
        SELECT *, effective_state AS state, batch AS batch_number FROM notice_state ORDER BY id""")


def states(project):
    # A notice's state is its batch's until delivery starts (the view notice_state says which).
    return dict(ledger(project, "SELECT effective_state, COUNT(*) FROM notice_state GROUP BY effective_state"))


def read_rejects(out, name):
    with open(out / name, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def check_rejects(results, label, out, rows, name="rejects-000001.csv"):
    """The run's own rejects file: every row not notified as it was, ineligible ones included."""
    table = read_rejects(out, name)
    results.check(table[:1] == [["line", "user_id", "action", "reason"]], f"{label}: {name} header", table[:1])
    found = sorted((int(line), user, action) for line, user, action, _ in table[1:])
    expected = sorted((row.line, "" if row.raw is not None else row.id, row.expect) for row in rows
                      if row.expect in ("rejected", "merged", "name-dropped", "ineligible"))
    results.check(found == expected, f"{label}: {name} lists each bad row with its line, id and action",
                  f"missing {sorted(set(expected) - set(found))}, unexpected {sorted(set(found) - set(expected))}")
    reasons = {int(line): reason for line, _, _, reason in table[1:]}
    last = rows[-1]
    results.check("end" in reasons.get(last.line, "") or "truncated" in reasons.get(last.line, ""),
                  f"{label}: the truncated last line is reported as cut short", reasons.get(last.line))
    for row in rows:
        if row.expect == "merged":
            owner = next(other for other in rows if other.notified and mailbox(other.email) == mailbox(row.email))
            results.check(owner.id in reasons.get(row.line, ""), f"{label}: merged row {row.id} names {owner.id}",
                          reasons.get(row.line))


def check_batches_match_ledger(results, label, project, out):
    """Each batch file holds the ledger's Users of that batch, in order, and nothing else is on disk."""
    batches = ledger(project, "SELECT * FROM batch ORDER BY number")
    notices = notices_in_order(project)
    by_batch = collections.defaultdict(list)
    for notice in notices:
        by_batch[notice["batch_number"]].append(
            (notice["user_id"], notice["address"], notice["message_id"], notice["content_hash"]))
    mismatched = []
    for batch in batches:
        path = out / batch["file"]
        data = path.read_bytes() if path.exists() else b""
        entries = [json.loads(line) for line in data.splitlines()]
        lines = [(e["user"], e["to"], e["messageId"], e["contentHash"]) for e in entries]
        if (batch["state"] != "written" or lines != by_batch[batch["number"]] or batch["messages"] != len(lines)
                or hashlib.sha256(data).hexdigest() != batch["sha256"]):
            mismatched.append(batch["file"])
    results.check(batches and not mismatched, f"{label}: every batch is written and its file matches the ledger",
                  mismatched)
    on_disk = sorted(path.name for path in out.iterdir())
    # One rejects file per run that finished (a killed run wrote none; the next reads the export again).
    rejects = [run["rejects_file"] for run in ledger(project, "SELECT rejects_file FROM run WHERE rejects_file IS NOT NULL")]
    expected = sorted([batch["file"] for batch in batches] + ["manifest.json"] + rejects)
    results.check(on_disk == expected, f"{label}: the out folder holds the ledger's batches and nothing else", on_disk)
    return batches, notices


def check_notify(results, policyc, project, rows):
    out = project / "notices" / f"{DOC}-v2"
    result = policyc(project, "notify", DOC, "--users", "users.csv", "--today", NOTIFY_DAY, "--batch-size", "7", "--json")
    if not results.check(result.returncode == 0, "notify: exits 0", result.stderr.decode(errors="replace")):
        raise SystemExit("notify failed; nothing further to check")
    report = json.loads(result.stdout)
    eligible = [row for row in rows if row.notified]
    count = collections.Counter(row.expect for row in rows)
    summary = {key: report[key] for key in ("rows", "ineligible", "rejected", "namesDropped", "merged", "planned")}
    results.check(summary == {"rows": len(rows), "ineligible": count["ineligible"], "rejected": count["rejected"],
                              "namesDropped": count["name-dropped"], "merged": count["merged"], "planned": len(eligible)},
                  "notify: the report counts rows, ineligible, rejected, names dropped, merged, planned", summary)
    check_rejects(results, "notify", out, rows, report.get("rejectsFile", "rejects-000001.csv"))

    notices = {notice["user_id"]: notice for notice in notices_in_order(project)}
    results.check(set(notices) == {row.id for row in eligible}, "notify: the ledger holds exactly the eligible Users",
                  sorted(set(notices) ^ {row.id for row in eligible}))
    wrong = [row.id for row in eligible if row.id in notices
             and (notices[row.id]["address"], notices[row.id]["name"]) != (row.email, row.shown_name)]
    results.check(not wrong, "notify: the ledger has each User's address, and the name unless it was dropped", wrong)
    sizes = [batch["messages"] for batch in ledger(project, "SELECT messages FROM batch")]
    results.check(sizes and max(sizes) <= 7, "notify: no batch holds more than 7 messages", sizes)
    check_batches_match_ledger(results, "notify", project, out)

    again = policyc(project, "notify", DOC, "--users", "users.csv", "--today", NOTIFY_DAY, "--batch-size", "7", "--json")
    report = json.loads(again.stdout) if again.returncode == 0 else {}
    results.check(report.get("planned") == 0 and report.get("alreadyPlanned") == len(eligible)
                  and report.get("totalNotices") == len(eligible),
                  "notify again with the same export: nobody is planned twice", again.stderr.decode(errors="replace"))
    results.check(report.get("rejectsFile") == "rejects-000002.csv" and (out / "rejects-000001.csv").exists(),
                  "the second run has its own rejects file; the first is kept", report.get("rejectsFile"))
    check_rejects(results, "notify again", out, rows, "rejects-000002.csv")


def check_send(results, policyc, project, inbox, command):
    """Killed before the third command, then after the fifth succeeded; then to the end."""
    send = ("send", "--release", RELEASE, "--command", command, "--retry-delay", "0", "--json")
    order = [notice["user_id"] for notice in notices_in_order(project)]

    result = policyc(project, *send, crash_at="send-sending:3")
    results.check(result.returncode == -signal.SIGKILL, "send killed at send-sending:3 died by SIGKILL",
                  result.returncode)
    ledger_states = states(project)
    sending = [row["user_id"] for row in ledger(project, "SELECT user_id FROM notice WHERE state = 'sending'")]
    results.check(len(inbox.messages) == 2 and ledger_states.get("sent") == 2 and sending == order[2:3],
                  "after it: 2 received, 2 sent, the 3rd sending (its command never ran)",
                  f"{len(inbox.messages)} received, {ledger_states}")

    result = policyc(project, *send, crash_at="send-delivered:5")
    results.check(result.returncode == -signal.SIGKILL, "send killed at send-delivered:5 died by SIGKILL",
                  result.returncode)
    ledger_states = states(project)
    sending = [row["user_id"] for row in ledger(project, "SELECT user_id FROM notice WHERE state = 'sending'")]
    # This run's 5th message is the 7th in all: delivered, but the ledger still says sending.
    results.check(len(inbox.messages) == 7 and ledger_states.get("sent") == 6 and sending == order[6:7],
                  "after it: 7 received, 6 sent, the 7th (delivered) still sending",
                  f"{len(inbox.messages)} received, {ledger_states}")

    result = policyc(project, *send)
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    results.check(result.returncode == 0, "send to completion exits 0", result.stderr.decode(errors="replace"))
    results.check(report.get("resent") == 1 and report.get("failed") == 0 and report.get("remaining") == 0
                  and report.get("totalSent") == len(order) and report.get("sent") == len(order) - 6,
                  "its report: the 7th sent again, none failed, none remaining", report)
    results.check(states(project) == {"sent": len(order)}, "the ledger has every notice sent", states(project))


def header_defects(message):
    defects = []
    for part in message.walk():
        defects += [type(defect).__name__ for defect in part.defects]
        for name, value in part.items():
            defects += [f"{name}: {type(defect).__name__}" for defect in getattr(value, "defects", ())]
    return defects


def display_name(message):
    """The To: display name, RFC 2047 decoded. email.policy.default puts a space between adjacent
    encoded-words of a display name (CPython gh-128110) where RFC 2047 section 6.2 says the white
    space between them is ignored; the older decoder follows the RFC."""
    name, _ = email.utils.parseaddr(dict(message.raw_items()).get("To", ""))
    return str(email.header.make_header(email.header.decode_header(name))) if name else ""


def message_checks(message, row, notice, batch_raw):
    """(what, passed) for one received message."""
    parsed = email.message_from_bytes(message.content, policy=email.policy.default)
    headers = collections.Counter(parsed.keys())
    to = parsed["To"].addresses if parsed["To"] else ()
    parts = list(parsed.iter_parts())
    text = parts[0].get_content() if parts else ""
    markup = parts[1].get_content() if len(parts) > 1 else ""
    shown = row.shown_name
    # A User without a name is greeted without their address: "Hello," not "Hello jane@example.com,".
    greeting = f"{GREETINGS[row.template]} {shown}," if shown else f"{GREETINGS[row.template]},"
    html_greeting = f"{GREETINGS[row.html_template]} {shown}," if shown else f"{GREETINGS[row.html_template]},"
    return [
        ("one envelope recipient, the ledger's address, from the sender",
         message.mail_from == SENDER and message.rcpt_tos == [notice["address"]] == [row.email]),
        ("it arrives as the batch holds it", message.content == batch_raw),
        ("it parses without defects", not header_defects(parsed)),
        ("exactly the expected headers, once each (no Bcc, nothing injected)",
         set(headers) == HEADERS | ({"Content-Language"} if row.template else set()) and max(headers.values()) == 1),
        ("To: one mailbox, the User's address", len(to) == 1 and to[0].addr_spec == row.email),
        ("To: the export's name, none when it was dropped", display_name(parsed) == row.shown_name),
        ("Subject decodes to the template's", str(parsed["Subject"]) == SUBJECTS[row.template]),
        ("Message-ID is the ledger's", str(parsed["Message-ID"]).strip() == notice["message_id"]),
        ("multipart/alternative: text/plain, then text/html", parsed.get_content_type() == "multipart/alternative"
         and [part.get_content_type() for part in parts] == ["text/plain", "text/html"]),
        ("the text names the User, the change and both links",
         greeting in text.splitlines() and "phone number" in text
         and PAGE_URL in text and CHANGES_URL in text),
        ("the HTML names the User and links both pages",
         f"<p>{html_greeting}</p>" in html.unescape(markup)
         and f'href="{PAGE_URL}"' in markup and f'href="{CHANGES_URL}"' in markup),
        ("the HTML escapes the name", not re.search(r'[<>&"]', shown) or shown not in markup),
        ("the text leads with the release notes, then the details",
         0 <= text.find(NOTES_HEADINGS[row.template][0]) < text.find(NOTES_TEXT)
         < text.find(NOTES_HEADINGS[row.template][1])),
        ("the HTML leads with the release notes, escaped", NOTES_HTML in markup
         and markup.find(NOTES_HTML) < markup.find("<h2 ")),
        ("no greeting names the address", f"{GREETINGS[row.template]} {row.email}" not in text),
        ("no line over 998 bytes", all(len(line.rstrip(b"\r")) <= 998 for line in message.content.split(b"\n"))),
    ]


def check_messages(results, project, rows, inbox):
    notices = notices_in_order(project)
    by_message_id = {notice["message_id"]: notice for notice in notices}
    by_id = {row.id: row for row in rows}
    batch_raw = {}
    for path in (project / "notices" / f"{DOC}-v2").glob("batch-*.jsonl"):
        for line in path.read_bytes().splitlines():
            entry = json.loads(line)
            batch_raw[entry["messageId"]] = entry["raw"].encode()

    failures = {"it is one the ledger planned": []}
    received = collections.Counter()
    copies = collections.defaultdict(set)
    for message in inbox.messages:
        message_id = str(email.message_from_bytes(message.content, policy=email.policy.default)["Message-ID"]).strip()
        received[message_id] += 1
        copies[message_id].add(message.content)
        notice = by_message_id.get(message_id)
        if notice is None:
            failures["it is one the ledger planned"].append(message_id)
            continue
        row = by_id[notice["user_id"]]
        for what, passed in message_checks(message, row, notice, batch_raw.get(message_id)):
            failures.setdefault(what, [])
            if not passed:
                failures[what].append(f"{row.id} {message_id}")
    for what, failed in failures.items():
        results.check(not failed, f"every message: {what}", failed[:5])
    results.check(not any(EVIL in message.rcpt_tos for message in inbox.messages), "nothing went to the injected Bcc")

    sent = sum(1 for notice in notices if notice["state"] == "sent")
    eligible = sum(1 for row in rows if row.notified)
    results.check(len(received) == sent == eligible, "unique Message-IDs received == ledger sent == eligible Users",
                  f"{len(received)} received, {sent} sent, {eligible} eligible")
    twice = [message_id for message_id, count in received.items() if count > 1]
    window = notices[6]["message_id"]
    results.check(twice == [window] and received[window] == 2 and len(inbox.messages) == eligible + 1,
                  "exactly one duplicate: the message delivered before the ledger said sent", twice)
    results.check(len(copies[window]) == 1, "both copies of it are byte for byte the same")


def check_reports(results, policyc, project, rows):
    notices = notices_in_order(project)
    by_user = {notice["user_id"]: notice for notice in notices}
    batches = len(ledger(project, "SELECT id FROM batch"))
    # The two messages the killed runs left `sending` were marked twice; every other once.
    twice = {notices[2]["user_id"], notices[6]["user_id"]}

    result = policyc(project, "notices", "status", "--release", RELEASE, "--format", "json")
    status = json.loads(result.stdout) if result.returncode == 0 else {}
    expected_states = {"planned": 0, "written": 0, "sending": 0, "sent": len(notices), "failed": 0, "unknown": 0}
    merged = ledger(project, "SELECT user_id, covered_by FROM merged ORDER BY export_line")
    counts = {key: status.get(key) for key in ("release", "effectiveDate", "batches", "notices", "states", "merged", "failures")}
    results.check(counts == {"release": RELEASE, "effectiveDate": EFFECTIVE_DAY, "batches": batches,
                             "notices": len(notices), "states": expected_states, "merged": len(merged), "failures": []},
                  "notices status --format json agrees with the ledger", status or result.stderr)
    runs = status.get("runs", [])
    results.check([run["number"] for run in runs] == [1, 2] and all(run["finishedAt"] for run in runs)
                  and [len(status.get("plans", []))] == [1],
                  "notices status lists the plan and both runs of the export", runs)

    def agrees(rows, keys):
        wrong = []
        for row in rows:
            user, address, message_id, content_hash, batch, state, sent_at, attempts = (row[key] for key in keys)
            notice = by_user.get(user)
            if (notice is None or (address, message_id, content_hash, int(batch), state)
                    != (notice["address"], notice["message_id"], notice["content_hash"], notice["batch_number"], "sent")
                    or not re.fullmatch(r"[0-9a-f]{64}", content_hash) or sent_at != notice["sent_at"]
                    or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", sent_at or "")
                    or int(attempts) != (2 if user in twice else 1)):
                wrong.append(user)
        return not wrong and [row[keys[0]] for row in rows] == [n["user_id"] for n in notices], wrong

    result = policyc(project, "notices", "proof", "--release", RELEASE, "--format", "csv")
    everything = list(csv.DictReader(io.StringIO(result.stdout.decode(), newline="")))
    table = [row for row in everything if row["state"] not in ("merged", "rejected", "ineligible")]
    # Who was not notified and why: each rejected and ineligible row, once per run that read it.
    not_notified = sorted((int(row["run"]), int(row["export_line"]), row["state"]) for row in everything
                          if row["state"] in ("rejected", "ineligible"))
    expected = sorted((run, row.line, row.expect) for run in (1, 2) for row in rows if row.expect in ("rejected", "ineligible"))
    results.check(not_notified == expected, "notices proof lists every rejected and ineligible row of each run, with its line",
                  f"missing {sorted(set(expected) - set(not_notified))}, unexpected {sorted(set(not_notified) - set(expected))}")
    reasons = [row["reason"] for row in everything if row["state"] in ("rejected", "ineligible")]
    results.check(reasons and all(reasons), "each of them says why", reasons[:3])
    # Merged rows (a mailbox or user id seen before) name the notice that covers them.
    covering = {notice["id"]: notice for notice in notices}
    proof_merged = [(row["user_id"], row["covered_by"], row["message_id"]) for row in everything if row["state"] == "merged"]
    expected_merged = [(row["user_id"], covering[row["covered_by"]]["user_id"], covering[row["covered_by"]]["message_id"])
                       for row in merged]
    results.check(len(merged) > 0 and proof_merged == expected_merged,
                  "notices proof lists each merged row with the notice that covers it", proof_merged)
    ok, wrong = agrees(table,
                       ("user_id", "address", "message_id", "content_hash", "batch", "state", "sent_at", "attempts"))
    results.check(result.returncode == 0 and ok,
                  "notices proof --format csv: every User sent, in ledger order, with sent_at, hash, attempts", wrong)

    result = policyc(project, "notices", "proof", "--release", RELEASE, "--format", "json")
    proof = json.loads(result.stdout) if result.returncode == 0 else {}
    results.check(len(proof.get("notNotified", [])) == len(not_notified),
                  "notices proof --format json lists the same rows not notified", len(proof.get("notNotified", [])))
    ok, wrong = agrees([row for row in proof.get("notices", []) if row["state"] != "merged"],
                       ("userID", "address", "messageID", "contentHash", "batch", "state", "sentAt", "attempts"))
    # The proof's totals are status's, and the duplicates it checked for: none.
    totals = dict(proof.get("totals", {}))
    duplicates = totals.pop("duplicates", None)
    results.check(ok and totals == status and duplicates == [],
                  "notices proof --format json agrees with the ledger and status, and finds no duplicate",
                  wrong)


def check_refusals(results, policyc, project):
    """Too late for v2 on its effective date; an editorial v3 needs no notice. Neither touches the ledger."""
    before = len(ledger(project, "SELECT id FROM notice"))
    result = policyc(project, "notify", DOC, "--version", "v2", "--users", "users.csv", "--today", EFFECTIVE_DAY)
    results.check(result.returncode == 1 and b"too late" in result.stderr,
                  "notify on the effective date is refused, exit 1", (result.returncode, result.stderr))
    draft = project / "policy" / f"{DOC}.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("organise and share", "organize and share", 1),
                     encoding="utf-8")
    policyc.must(project, "release", DOC, "--date", "2026-11-22")
    result = policyc(project, "notify", DOC, "--version", "v3", "--users", "users.csv", "--today", NOTIFY_DAY)
    results.check(result.returncode == 1 and b"editorial" in result.stderr,
                  "notify of an editorial release is refused, exit 1", (result.returncode, result.stderr))
    results.check(len(ledger(project, "SELECT id FROM notice")) == before
                  and not (project / "notices" / f"{DOC}-v3").exists(), "refused notifies write nothing")


def check_interrupted_notify(results, policyc, project, rows):
    """Killed after a batch is planned, then after one is renamed into place: re-runs finish the job."""
    out = project / "notices" / f"{DOC}-v2"
    notify = ("notify", DOC, "--users", "users.jsonl", "--today", NOTIFY_DAY, "--batch-size", "3", "--json")

    result = policyc(project, *notify, crash_at="notify-planned:2")
    results.check(result.returncode == -signal.SIGKILL, "notify killed at notify-planned:2 died by SIGKILL",
                  result.returncode)
    # Batches are planned several to a transaction and recorded as written with the next one, so
    # after this kill every batch of the first transaction is still planned, and batch 2 has no file.
    batches = ledger(project, "SELECT number, file, state FROM batch ORDER BY number")
    results.check(len(batches) >= 2 and all(b["state"] == "planned" for b in batches)
                  and not (out / batches[1]["file"]).exists(),
                  "after it: the batches are planned in the ledger, batch 2 with no file", [tuple(b) for b in batches])

    result = policyc(project, *notify, crash_at="notify-renamed:3")
    results.check(result.returncode == -signal.SIGKILL, "notify killed at notify-renamed:3 died by SIGKILL",
                  result.returncode)
    batches = ledger(project, "SELECT number, file, state FROM batch ORDER BY number")
    results.check(batches[2]["state"] == "planned" and (out / batches[2]["file"]).exists(),
                  "after it: batch 3 on disk but still planned", [tuple(b) for b in batches])

    result = policyc(project, *notify)
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    eligible = {row.id for row in rows if row.notified}
    results.check(report.get("batchesRecovered", 0) >= 1 and report.get("totalNotices") == len(eligible),
                  "the last run recovers the planned batches and ends with every eligible User", report or result.stderr)
    counts = ledger(project, "SELECT user_id, COUNT(*) AS n FROM notice GROUP BY user_id")
    results.check({row["user_id"] for row in counts} == eligible and all(row["n"] == 1 for row in counts),
                  "every eligible User is in exactly one batch", sorted({row["user_id"] for row in counts} ^ eligible))
    batches, notices = check_batches_match_ledger(results, "interrupted notify", project, out)
    total = sum(batch["messages"] for batch in batches)
    results.check(total == len(notices) == len(eligible), "batch sizes add up to the ledger's notices",
                  f"{total} in batches, {len(notices)} notices")
    check_rejects(results, "interrupted notify", out, rows, report.get("rejectsFile", "?"))


def received_for(project, inbox, since):
    """The messages received since `since` whose Message-ID is one of `project`'s notices, parsed."""
    ids = {notice["message_id"] for notice in notices_in_order(project)}
    parsed = [email.message_from_bytes(message.content, policy=email.policy.default) for message in inbox.messages[since:]]
    return [message for message in parsed if str(message["Message-ID"]).strip() in ids]


def plain_text(message):
    return message.get_body(("plain",)).get_content()


def set_config(project, old, new):
    config = project / "policy" / "policyc.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_replan(results, policyc, folder, inbox, command):
    """A notice planned with a mistake (a misspelt baseURL) is re-planned before it is sent, and the MTA gets the
    corrected text; once one is sent, a re-plan is refused."""
    project = make_project(policyc, folder / "replan")
    rows = [Row(f"r{n}", f"reader{n}@example.net", f"Reader {n}", ("en", "fr")[n % 2]) for n in range(1, 7)]
    write_export(project / "users.csv", rows, csv_row, b"id,email,name,locale,status\r\n")
    notify = ("notify", DOC, "--users", "users.csv", "--today", NOTIFY_DAY)
    set_config(project, "baseURL: https://quillmate.example/legal", "baseURL: https://quilmate.example/legal")
    policyc.must(project, *notify)
    batch = (project / "notices" / f"{DOC}-v2" / "batch-000001.jsonl").read_text()
    results.check("https://quillmate.example" not in batch and "https://quilmate.example" in batch,
                  "replan: the mistake is planned (links to a misspelt host)")

    set_config(project, "baseURL: https://quilmate.example/legal", "baseURL: https://quillmate.example/legal")
    result = policyc(project, *notify)
    stderr = result.stderr.decode(errors="replace")
    results.check(result.returncode == 1 and "site.baseURL ('https://quilmate.example/legal' → 'https://quillmate.example/legal')" in stderr
                  and "--replan" in stderr, "replan: notify again names the changed setting and says --replan exists", stderr)
    result = policyc(project, "notify", DOC, "--replan", "--today", NOTIFY_DAY, "--json")
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    results.check(report.get("replanned") == len(rows) and report.get("plan") == 2,
                  "replan: notify --replan rewrites every unsent notice as plan 2", report or result.stderr)

    since = len(inbox.messages)
    policyc.must(project, "send", "--release", RELEASE, "--command", command, "--retry-delay", "0")
    received = received_for(project, inbox, since)
    results.check(len(received) == len(rows) and all(PAGE_URL in plain_text(m) and CHANGES_URL in plain_text(m) for m in received),
                  "replan: send delivers the corrected text to every User", f"{len(received)} received")
    plans = ledger(project, "SELECT number, superseded_at, config FROM plan ORDER BY number")
    results.check([plan["number"] for plan in plans] == [1, 2] and plans[0]["superseded_at"]
                  and json.loads(plans[0]["config"])["site.baseURL"] == "https://quilmate.example/legal",
                  "replan: the ledger keeps the first plan, its time and its config", [tuple(plan) for plan in plans])

    # The project's own text template: the built-in one, edited.
    text = project / "templates" / "email" / "notice.text.mustache"
    text.parent.mkdir(parents=True)
    text.write_text(BUILT_IN_EMAIL.joinpath("notice.text.mustache").read_text(encoding="utf-8")
                    .replace("We are changing", "We changed"), encoding="utf-8")
    result = policyc(project, "notify", DOC, "--replan", "--today", NOTIFY_DAY)
    stderr = result.stderr.decode(errors="replace")
    results.check(result.returncode == 1 and f"{len(rows)} of its {len(rows)} notices were already handed to the MTA" in stderr
                  and "templates/email/notice.text.mustache (added, in place of the built-in one)" in stderr,
                  "replan: refused once the notices were sent, naming the template that changed",
                  stderr)


def check_moved_project(results, policyc, folder, inbox, command):
    """A project copied elsewhere (a restore) sends its notices and proves them there."""
    project = make_project(policyc, folder / "before-move")
    rows = [Row(f"m{n}", f"mover{n}@example.org", f"Mover {n}") for n in range(1, 5)]
    write_export(project / "users.csv", rows, csv_row, b"id,email,name,locale,status\r\n")
    policyc.must(project, "notify", DOC, "--users", "users.csv", "--today", NOTIFY_DAY)
    moved = folder / "elsewhere" / "after-move"
    moved.parent.mkdir()
    shutil.copytree(project, moved)
    shutil.rmtree(project)
    since = len(inbox.messages)
    result = policyc(moved, "send", "--release", RELEASE, "--command", command, "--retry-delay", "0", "--json")
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    results.check(report.get("sent") == len(rows) and len(received_for(moved, inbox, since)) == len(rows),
                  "moved project: send finds its batches and delivers them all", report or result.stderr)
    result = policyc(moved, "notices", "proof", "--release", RELEASE)
    proof = list(csv.DictReader(io.StringIO(result.stdout.decode(), newline="")))
    results.check(result.returncode == 0 and [row["state"] for row in proof] == ["sent"] * len(rows),
                  "moved project: notices proof there shows every User sent", result.stderr)


def check_broken_command(results, policyc, folder):
    """A send command that does not exist fails at once: exit 127 is not retried, the run stops, and the
    shell's words are in send's report, notices status and the proof."""
    project = make_project(policyc, folder / "broken")
    rows = [Row(f"b{n}", f"b{n}@example.com", f"B {n}") for n in range(1, 4)]
    write_export(project / "users.csv", rows, csv_row, b"id,email,name,locale,status\r\n")
    policyc.must(project, "notify", DOC, "--users", "users.csv", "--today", NOTIFY_DAY)
    started = time.monotonic()
    result = policyc(project, "send", "--release", RELEASE, "--command", "no-such-msmtp -t", "--retries", "3",
                     "--retry-delay", "5")
    elapsed = time.monotonic() - started
    stdout = result.stdout.decode(errors="replace")
    results.check(result.returncode == 1 and elapsed < 5, "broken command: send fails at once, no retry waited",
                  f"exit {result.returncode} after {elapsed:.1f} s")
    results.check("status 127 (command not found)" in stdout and "no-such-msmtp: not found" in stdout
                  and b"stopped at the first message" in result.stderr, "broken command: the report shows what the shell said",
                  stdout + result.stderr.decode(errors="replace"))
    attempts = ledger(project, "SELECT status FROM attempt")
    results.check([row["status"] for row in attempts] == ["exit 127"] and states(project) == {"failed": 1, "written": 2},
                  "broken command: one attempt recorded, the other messages untouched", (len(attempts), states(project)))
    status = policyc(project, "notices", "status", "--release", RELEASE, "--format", "json")
    failures = json.loads(status.stdout).get("failures", []) if status.returncode == 0 else []
    results.check(len(failures) == 1 and "not found" in failures[0]["lastError"],
                  "broken command: notices status gives the last error of the failed User", failures)
    proof = list(csv.DictReader(io.StringIO(policyc(project, "notices", "proof", "--release", RELEASE).stdout.decode(),
                                            newline="")))
    results.check([row["last_error"] != "" for row in proof] == [True, False, False], "broken command: so does the proof")


def check_localised(results, policyc, folder, inbox, command):
    """A consent release: the French email carries the consent paragraph, in French, with French dates;
    pt-BR falls back to the Portuguese templates; a User without a name is greeted without an address."""
    project = folder / "consent"
    copy_unreleased_policy(project)
    policyc.must(project, "release", DOC, "--date", "2026-11-02")
    draft = project / "policy" / f"{DOC}.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("email address and a password",
                                                               "email address and a password and your phone number"), encoding="utf-8")
    diff = json.loads(subprocess.run([policyc.path, "diff", DOC, "--format", "json"], cwd=project, capture_output=True).stdout)
    with open(project / "policy" / "policyc.yml", "a", encoding="utf-8") as config:
        config.write("diff:\n  overrides:\n")
        for change in diff["changes"]:
            config.write(f"    - fingerprint: {change['fingerprint']}\n      tier: consent\n"
                         "      reason: the phone number serves a new purpose, which needs the User's agreement\n")
    (project / "policy" / f"{DOC}.notes.md").write_text(NOTES, encoding="utf-8")
    policyc.must(project, "release", DOC, "--date", "2026-11-20")
    email_folder = project / "templates" / "email"
    email_folder.mkdir(parents=True)
    for part in ("subject", "text", "html"):
        english = (BUILT_IN_EMAIL / f"notice.{part}.mustache").read_text(encoding="utf-8")
        (email_folder / f"notice.pt.{part}.mustache").write_text(english.replace("Hello", "Olá"), encoding="utf-8")
    rows = [Row("c1", "claire@example.fr", "Claire", "fr"), Row("c2", "joao@example.com.br", "João", "pt-BR"),
            Row("c3", "anon@example.com", "", "en"), Row("c4", "anne@example.fr", "", "fr-CA")]
    write_export(project / "users.csv", rows, csv_row, b"id,email,name,locale,status\r\n")
    policyc.must(project, "notify", DOC, "--users", "users.csv", "--today", NOTIFY_DAY)
    since = len(inbox.messages)
    policyc.must(project, "send", "--release", RELEASE, "--command", command, "--retry-delay", "0")
    by_address = {message["To"].addresses[0].addr_spec: message for message in received_for(project, inbox, since)}
    claire = by_address.get("claire@example.fr")
    text = plain_text(claire) if claire else ""
    markup = html.unescape(claire.get_body(("html",)).get_content()) if claire else ""
    results.check("Certaines de ces modifications nécessitent votre accord" in text
                  and "Certaines de ces modifications nécessitent votre accord" in markup,
                  "French consent email: the consent paragraph, in both parts", text[:300])
    results.check(claire is not None and str(claire["Subject"]).endswith("en vigueur le 20 décembre 2026")
                  and "Nouvelle rédaction\u00a0:" in text and "Bonjour Claire," in text,
                  "French consent email: the date in French words, French labels", text[:600])
    joao = by_address.get("joao@example.com.br")
    results.check(joao is not None and joao["Content-Language"] == "pt" and "Olá João," in plain_text(joao)
                  and "20 de dezembro de 2026" in plain_text(joao), "pt-BR falls back to the pt templates",
                  joao and plain_text(joao)[:200])
    anon, anne = by_address.get("anon@example.com"), by_address.get("anne@example.fr")
    results.check(anon is not None and "Hello," in plain_text(anon).splitlines() and "Hello anon@" not in plain_text(anon)
                  and anne is not None and "Bonjour," in plain_text(anne).splitlines(),
                  "a User without a name: 'Hello,' and 'Bonjour,', not their address")
    english = (anon and plain_text(anon)) or ""
    results.check("Some of these changes need your agreement" in english, "the English consent email has the paragraph too")


def correction_checks(results, policyc, inbox, folder, port):
    command = msmtp_command(folder, port)
    check_replan(results, policyc, folder, inbox, command)
    check_moved_project(results, policyc, folder, inbox, command)
    check_broken_command(results, policyc, folder)
    check_localised(results, policyc, folder, inbox, command)


def arguments(description, *extra):
    """--policyc and --ledger (and the caller's own options, each a (name, keywords) pair), parsed."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--policyc", default=os.environ.get("POLICYC", str(ROOT / ".build" / "debug" / "policyc")))
    parser.add_argument("--ledger", choices=["sqlite", "postgresql"], default="sqlite",
                        help="the ledger the projects use: notices/ledger.sqlite, or a throwaway PostgreSQL server's")
    for name, keywords in extra:
        parser.add_argument(name, **keywords)
    return parser.parse_args()


def run_checks(policyc_path, checks, ledger_kind="sqlite"):
    """Calls checks(results, policyc, inbox, folder, port) with an aiosmtpd server on 127.0.0.1 and a
    scratch folder (and a PostgreSQL server, for the postgresql ledger), then prints the tally and exits
    1 when a check failed."""
    global POSTGRES
    # The projects run policyc from their own folders: make the path absolute first.
    policyc = Policyc(str(pathlib.Path(policyc_path).resolve()))
    if not shutil.which("msmtp"):
        raise SystemExit("msmtp is not installed (Debian: apt-get install msmtp)")
    results = Results()
    started = time.monotonic()
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    POSTGRES = PostgresServer() if ledger_kind == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory() as temporary:
            checks(results, policyc, inbox, pathlib.Path(temporary), port)
    finally:
        server.stop()
        if POSTGRES:
            POSTGRES.stop()
    print(f"{ledger_kind} ledger: checks: {results.passed} passed, {len(results.failed)} failed ({time.monotonic() - started:.1f} s)")
    sys.exit(1 if results.failed else 0)


def delivery_checks(results, policyc, inbox, folder, port):
    project = make_project(policyc, folder / "delivery")
    users = csv_users()
    write_export(project / "users.csv", users, csv_row, b"id,email,name,locale,status\r\n")
    check_notify(results, policyc, project, users)
    check_send(results, policyc, project, inbox, msmtp_command(folder, port))
    check_messages(results, project, users, inbox)
    check_reports(results, policyc, project, users)
    check_refusals(results, policyc, project)

    project = make_project(policyc, folder / "interrupted")
    users = jsonl_users()
    write_export(project / "users.jsonl", users, jsonl_row)
    check_interrupted_notify(results, policyc, project, users)

    correction_checks(results, policyc, inbox, folder, port)


def main():
    options = arguments(__doc__)
    run_checks(options.policyc, delivery_checks, options.ledger)


if __name__ == "__main__":
    main()
