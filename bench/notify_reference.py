#!/usr/bin/env python3
"""The benchmark's peer for `policyc notify --format jsonl`, in plain Python and Jinja2.

    notify_reference.py --users USERS.jsonl|USERS.csv --facts FACTS.json --out DIR
                        [--templates DIR] [--batch-size 1000]

It renders the same notices as policyc, the way a Python team would without policyc: the
Mustache templates (policyc's built-in ones in Sources/PolicyNotice/EmailTemplates/, or a project's
templates/email/ given as --templates) are translated to Jinja2 once at start-up and rendered
per User; the stdlib `email` package (email.mime) builds each multipart/alternative message
(quoted-printable UTF-8 text and HTML parts, RFC 2047 headers); the export is streamed a row
at a time (csv, or json per line); messages go into JSON Lines batches of 1000,
batch-000001.jsonl, ..., one object a line: {"user", "to", "messageId", "contentHash", "raw"}.
Rows it could not use are listed in rejects.csv (line,user_id,action,reason), as policyc does.

The same rules as policyc: a row is eligible when its status is `active`; its address must be
an ASCII dot-atom `local@host.tld` (anything else is rejected); two rows with the same user id,
or the same mailbox (local part as written, domain without case), get one notice, the first
row's. Users are greeted by name, or by address when the export has none (or one with control
characters, or over 200 characters). A locale picks notice.<locale>.*.mustache: `fr-CA`, else
`fr`, else the default templates.

What it leaves out, on purpose: policyc's notice ledger (SQLite), which makes a re-run or a
second export skip Users already planned and lets a killed run resume. This script keeps its
duplicate checks in memory (two sets), for one run. The output is not byte-identical to
policyc's (header order, MIME boundaries, quoted-printable line breaks, Date, the content
hash's recipe, which rows fill which batch) but carries the same messages: same recipients,
subject and decoded text and HTML bodies.

FACTS.json holds what every notice of the release says, as policyc derives it from the release
(NoticeFacts). Its keys, except `release` and `from`, are the templates' variables:

    {
      "release": "privacy-policy@v2",          DOC@VERSION, part of every Message-ID
      "from": {"name": "Quillmate Legal", "address": "legal@quillmate.example"},
      "document": "privacy-policy",
      "title": "Privacy Policy",
      "version": "v2",
      "verdict": "consent",                    material or consent
      "releaseDate": "2026-11-29",             ISO dates
      "effectiveDate": "2026-12-29",
      "pageURL": "https://quillmate.example/legal/privacy-policy/v2.html",
      "changesURL": "https://quillmate.example/legal/privacy-policy/v2-changes.html",
      "siteTitle": "Quillmate Legal",
      "sections": [{"heading": "Information You Give Us",
                    "changes": [{"text": "Added: “Location. …”"}]}],
      "editorialCount": 0
    }

Derived when absent, as policyc derives them: effectiveDateWords and releaseDateWords in the
words of the template set's language ("29 December 2026", "29 décembre 2026"; policyc's DateWords),
and under their older names effectiveDateLong and releaseDateLong; consent (verdict == "consent"), hasEditorial (editorialCount > 0),
hasSections.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import re
import sys
from collections import ChainMap
from collections.abc import Iterator, Mapping
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from pathlib import Path

import jinja2

ELIGIBLE_STATUSES = {"active"}
MAX_NAME_LENGTH = 200
TEMPLATE_PARTS = ("subject", "text", "html")

# RFC 5322 dot-atom local part; host names of two or more labels, the last not all digits.
ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"(?=[^@]{{1,64}}@){ATEXT}+(?:\.{ATEXT}+)*@(?:{LABEL}\.)+(?![0-9]+\Z){LABEL}", re.ASCII)
# Control characters, DEL, C1, and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LOCALE = re.compile(r"[A-Za-z0-9_-]{1,35}")

# policyc's one table of dates in words (Sources/PolicyModel/DateWords.swift), by language.
DATE_WORDS = {
    "en": (["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"], lambda d, m, y: f"{d} {m} {y}"),
    "fr": (["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"], lambda d, m, y: f"{'1er' if d == 1 else d} {m} {y}"),
    "de": (["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
            "November", "Dezember"], lambda d, m, y: f"{d}. {m} {y}"),
    "es": (["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre"], lambda d, m, y: f"{d} de {m} de {y}"),
    "pt": (["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
            "novembro", "dezembro"], lambda d, m, y: f"{d} de {m} de {y}"),
}


# --- Mustache to Jinja2 ----------------------------------------------------------------------

# A tag alone on its line (sections, comments) takes the line with it, as Mustache says; Jinja's
# trim_blocks would also eat the line break after a tag that shares its line with text.
MUSTACHE_TAG = re.compile(
    r"^[ \t]*\{\{(?P<skind>[#^/!])\s*(?P<sname>[^{}]*?)\s*\}\}[ \t]*(?:\r?\n|\Z)"
    r"|\{\{\{\s*(?P<raw>[^{}]+?)\s*\}\}\}"
    r"|\{\{(?P<kind>[#^/!&]?)\s*(?P<name>[^{}]*?)\s*\}\}",
    re.M)


def mustache_to_jinja(source: str, html: bool) -> str:
    """The subset of Mustache the notices use: variables, sections, inverted sections, comments.

    Scopes are explicit: the template renders with `c0`, a mapping; each section opens `cN+1`,
    a ChainMap of the item over the enclosing scope, so names resolve innermost first, as in
    Mustache. `{{x}}` is HTML-escaped in HTML templates only; `{{{x}}}` and `{{&x}}` never are.
    """
    out: list[str] = []
    sections: list[tuple[str, str]] = []  # (name, "#" or "^") of the open sections
    position = 0

    def literal(text: str) -> str:
        # Copied as it is: fenced off when it holds something Jinja would read as a tag.
        return "{% raw %}" + text + "{% endraw %}" if re.search(r"\{[{%#]", text) else text

    def lookup(name: str) -> str:
        scope = f"c{depth()}"
        return f"{scope}['.']" if name == "." else scope + "".join(f"[{part!r}]" for part in name.split("."))

    def depth() -> int:  # inverted sections render in the enclosing scope
        return sum(kind == "#" for _, kind in sections)

    for match in MUSTACHE_TAG.finditer(source):
        out.append(literal(source[position:match.start()]))
        position = match.end()
        kind = match["skind"] or match["kind"] or ("&" if match["raw"] else "")
        name = match["sname"] or match["name"] or match["raw"]
        if kind == "!":
            continue
        if kind == "#":
            out.append(f"{{% for c{depth() + 1} in {lookup(name)}|section(c{depth()}) %}}")
            sections.append((name, kind))
        elif kind == "^":
            out.append(f"{{% if not {lookup(name)} %}}")
            sections.append((name, kind))
        elif kind == "/":
            if not sections or sections[-1][0] != name:
                raise ValueError(f"{{{{/{name}}}}} closes no open section")
            out.append("{% endfor %}" if sections.pop()[1] == "#" else "{% endif %}")
        elif name.startswith(("=", ">", "%", "<", "$")):
            raise ValueError(f"unsupported Mustache tag {{{{{name}}}}}")
        else:
            out.append(f"{{{{ {lookup(name)}{'|h' if html and kind != '&' else ''} }}}}")
    if sections:
        raise ValueError(f"section {sections[-1][0]} is never closed")
    out.append(literal(source[position:]))
    return "".join(out)


def section(value, scope: ChainMap):
    """What a Mustache section iterates: each item of a list, pushed as a scope; a mapping, once;
    any other truthy value, once in the same scope."""
    if not value:
        return ()
    if isinstance(value, list):
        return [scope.new_child(item if isinstance(item, Mapping) else {".": item}) for item in value]
    if isinstance(value, Mapping):
        return (scope.new_child(value),)
    return (scope,)


def mustache_escape(value) -> str:
    # Mustache's set: markupsafe (Jinja's autoescape) writes &#34; for a quote, policyc &quot;.
    return (str(finalize(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def finalize(value):
    """Values as Mustache prints them: null as nothing, booleans in lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def make_environment() -> jinja2.Environment:
    # No autoescape: text templates are not HTML, and the HTML ones escape through |h.
    env = jinja2.Environment(autoescape=False, keep_trailing_newline=True, finalize=finalize)
    env.filters["section"] = section
    env.filters["h"] = mustache_escape
    return env


class TemplateSets:
    """notice.{subject,text,html}.mustache and, per locale, notice.<locale>.<part>.mustache: a
    locale may translate some parts only; the rest come from its language, then the default."""

    def __init__(self, folder: Path):
        env = make_environment()
        files: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("notice.*mustache")):
            middle = path.name[len("notice."):-len(".mustache")].split(".")
            if middle[-1] not in TEMPLATE_PARTS or len(middle) > 2:
                continue
            locale = middle[0].lower() if len(middle) == 2 else ""
            files.setdefault(locale, {})[middle[-1]] = path.read_text(encoding="utf-8")
        default = files.get("", {})
        if any(part not in default for part in TEMPLATE_PARTS):
            raise SystemExit(f"{folder}: notice.subject.mustache, notice.text.mustache and "
                             "notice.html.mustache are all needed")
        self.sets: dict[str, dict[str, jinja2.Template]] = {}
        for locale, parts in files.items():
            language = files.get(locale.split("-")[0], {})
            self.sets[locale] = {
                part: env.from_string(mustache_to_jinja(parts.get(part) or language.get(part) or default[part],
                                                        html=part == "html"))
                for part in TEMPLATE_PARTS}

    def key(self, locale: str) -> str:
        """The set for a User's locale: fr-CA, else fr, else the default ("")."""
        locale = locale.lower().replace("_", "-")
        if locale in self.sets:
            return locale
        language = locale.split("-")[0]
        return language if language in self.sets else ""


# --- Facts and messages ----------------------------------------------------------------------

def date_words(iso: str, locale: str = "") -> str:
    """The date in the words of a template set's language; English for the default set or another."""
    language = re.split(r"[-_]", locale.lower())[0]
    months, words = DATE_WORDS.get(language, DATE_WORDS["en"])
    day = datetime.date.fromisoformat(iso)
    return words(day.day, months[day.month - 1], day.year)


def dates_in_words(facts: dict, locale: str) -> dict:
    dates = {}
    for name in ("effectiveDate", "releaseDate"):
        if name in facts:
            dates[name + "Words"] = dates[name + "Long"] = date_words(facts[name], locale)
    return dates


def load_facts(path: Path) -> tuple[dict, str, str, str]:
    """The template context, the release name and the sender's name and address."""
    facts = json.loads(path.read_text(encoding="utf-8"))
    release = facts.pop("release")
    sender = facts.pop("from")
    facts.setdefault("consent", facts.get("verdict") == "consent")
    facts.setdefault("sections", [])
    facts.setdefault("hasSections", bool(facts["sections"]))
    facts.setdefault("editorialCount", 0)
    facts.setdefault("hasEditorial", facts["editorialCount"] > 0)
    return facts, release, sender.get("name", ""), sender["address"]


def message_id(release: str, user_id: str, domain: str) -> str:
    """Stable per (release, User), as policyc makes it: a re-sent notice can be recognised."""
    digest = hashlib.sha256(f"{release}\0{user_id}".encode()).hexdigest()[:24]
    release_part = "".join(c if c.isalnum() or c in ".-" else "." for c in release)
    return f"<{digest}.{release_part}@{domain}>"


# The legacy email.mime API, as Django's mailer uses it: it builds the same message as
# EmailMessage (policy=SMTP) three times faster (~700 against ~240 messages/s here), since the
# header registry behind EmailMessage parses every header again, and makes a class per header.
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP
# CRLF line ends; no ">From " mangling, which would change the text (nothing here is an mbox).
WIRE = compat32.clone(linesep="\r\n", mangle_from_=False)


class Composer:
    def __init__(self, templates: TemplateSets, facts: dict, release: str, from_name: str,
                 from_address: str):
        self.templates = templates
        self.facts = facts
        self.release = release
        self.sender = formataddr((from_name, from_address), charset="utf-8")
        self.domain = from_address.rpartition("@")[2]
        self.date = format_datetime(datetime.datetime.now(datetime.timezone.utc))

    def compose(self, user_id: str, email: str, name: str, locale: str) -> dict:
        key = self.templates.key(locale)
        templates = self.templates.sets[key]
        context = ChainMap({"recipient": {"name": name or email, "email": email}}, self.facts,
                           dates_in_words(self.facts, key))
        # A subject is one line, whatever line breaks the template has.
        subject = " ".join(line for line in templates["subject"].render(c0=context).splitlines() if line)
        text = templates["text"].render(c0=context)
        html = templates["html"].render(c0=context)
        mid = message_id(self.release, user_id, self.domain)

        msg = MIMEMultipart("alternative")
        msg["Date"] = self.date
        msg["From"] = self.sender
        msg["To"] = formataddr((name, email), charset="utf-8") if name else email
        msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # RFC 2047
        msg["Message-ID"] = mid
        # RFC 3834: a machine sent this; auto-responders should not answer it.
        msg["Auto-Submitted"] = "auto-generated"
        if key:
            msg["Content-Language"] = key
        msg.attach(MIMEText(text, "plain", UTF8_QP))
        msg.attach(MIMEText(html, "html", UTF8_QP))
        # What the User was told, whatever the transfer encoding.
        content_hash = hashlib.sha256("\0".join((subject, text, html)).encode()).hexdigest()
        return {"user": user_id, "to": email, "messageId": mid, "contentHash": content_hash,
                "raw": msg.as_bytes(policy=WIRE).decode("ascii")}


# --- The export ------------------------------------------------------------------------------

def as_text(value) -> str:
    """A JSON value as the export meant it: numbers keep their digits (parse_int/parse_float),
    booleans are true/false, null and nested values are nothing."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_export(path: Path) -> Iterator[tuple[int, dict | str]]:
    """(line, row) for each row, one at a time; a row that cannot be read comes as (line, reason)."""
    if path.suffix.lower() == ".csv":
        # Invalid UTF-8 stops the run here (policyc rejects just that row); JSON Lines are per line.
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [name.strip() for name in next(reader, [])]
            start = reader.line_num + 1
            for fields in reader:
                # A quoted field may span lines: report the line the record starts on.
                line, start = start, reader.line_num + 1
                if not fields:
                    continue
                if len(fields) != len(header):
                    yield line, f"{len(fields)} fields where the header has {len(header)}"
                else:
                    yield line, dict(zip(header, fields))
    else:
        with path.open("rb") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line, parse_int=str, parse_float=str)
                except ValueError as error:  # UnicodeDecodeError too
                    yield number, f"not a JSON object: {error}"
                    continue
                if not isinstance(row, dict):
                    yield number, "not a JSON object"
                    continue
                yield number, {key: as_text(value) for key, value in row.items()}


# --- The run ---------------------------------------------------------------------------------

class BatchWriter:
    def __init__(self, folder: Path, size: int):
        self.folder = folder
        self.size = size
        self.lines: list[str] = []
        self.batches = 0

    def add(self, record: dict) -> None:
        self.lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        if len(self.lines) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        self.batches += 1
        target = self.folder / f"batch-{self.batches:06d}.jsonl"
        temporary = target.with_name(f".{target.name}.tmp")
        # Written aside, then renamed: a batch on disk is always whole.
        with temporary.open("w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(self.lines) + "\n")
        os.replace(temporary, target)
        self.lines.clear()


def run(users: Path, facts_path: Path, out: Path, templates_folder: Path, batch_size: int) -> dict:
    facts, release, from_name, from_address = load_facts(facts_path)
    composer = Composer(TemplateSets(templates_folder), facts, release, from_name, from_address)
    out.mkdir(parents=True, exist_ok=True)
    batches = BatchWriter(out, batch_size)
    counts = dict(rows=0, ineligible=0, rejected=0, merged=0, names_dropped=0, planned=0)
    seen_users: set[str] = set()
    seen_mailboxes: set[str] = set()

    with (out / "rejects.csv").open("w", encoding="utf-8", newline="") as rejects_file:
        rejects = csv.writer(rejects_file)
        rejects.writerow(("line", "user_id", "action", "reason"))
        for line, row in read_export(users):
            counts["rows"] += 1
            if isinstance(row, str):
                counts["rejected"] += 1
                rejects.writerow((line, "", "rejected", row))
                continue
            user_id = (row.get("id") or "").strip()
            if not user_id or len(user_id.encode()) > 256 or CONTROL.search(user_id):
                counts["rejected"] += 1
                rejects.writerow((line, "", "rejected", "no usable user id"))
                continue
            if (row.get("status") or "").strip().lower() not in ELIGIBLE_STATUSES:
                counts["ineligible"] += 1
                continue
            email = (row.get("email") or "").strip()
            if len(email) > 254 or not ADDRESS.fullmatch(email):
                counts["rejected"] += 1
                rejects.writerow((line, user_id, "rejected", f"invalid address: {email!r}"))
                continue
            # One notice per User and per mailbox: the first row's stands.
            local, _, domain = email.rpartition("@")
            mailbox = f"{local}@{domain.lower()}"
            if user_id in seen_users or mailbox in seen_mailboxes:
                counts["merged"] += 1
                rejects.writerow((line, user_id, "merged", "same user id or mailbox as an earlier row"))
                continue
            seen_users.add(user_id)
            seen_mailboxes.add(mailbox)
            name = (row.get("name") or "").strip()
            if CONTROL.search(name) or len(name) > MAX_NAME_LENGTH:
                counts["names_dropped"] += 1
                rejects.writerow((line, user_id, "name-dropped", "unusable name; notified without it"))
                name = ""
            locale = (row.get("locale") or "").strip()
            batches.add(composer.compose(user_id, email, name, locale if LOCALE.fullmatch(locale) else ""))
            counts["planned"] += 1
    batches.flush()
    counts["batches"] = batches.batches
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=Path, required=True, help="the export: .csv or .jsonl")
    parser.add_argument("--facts", type=Path, required=True, help="the release's facts (see above)")
    parser.add_argument("--out", type=Path, required=True, help="the folder for the batches")
    parser.add_argument("--templates", type=Path,
                        default=Path(__file__).resolve().parent.parent / "Sources" / "PolicyNotice" / "EmailTemplates")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args(argv)
    counts = run(args.users, args.facts, args.out, args.templates, args.batch_size)
    print(f"{counts['planned']} notices in {counts['batches']} batches in {args.out}; rows read: "
          f"{counts['rows']}; ineligible: {counts['ineligible']}; rejected: {counts['rejected']}; "
          f"duplicates merged: {counts['merged']}; names left out: {counts['names_dropped']}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
