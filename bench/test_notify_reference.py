#!/usr/bin/env python3
"""Self-test of notify_reference.py: `python3 bench/test_notify_reference.py` (no pytest).

Renders a 200-user export from generate_policy.py, plus a few rows that must be rejected or
merged, and reads every message back with Python's email parser.
"""

from __future__ import annotations

import collections
import email
import email.policy
import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import notify_reference  # noqa: E402

FACTS = {
    "release": "privacy-policy@v2",
    "from": {"name": "Quillmate Legal", "address": "legal@quillmate.example"},
    "document": "privacy-policy",
    "title": "Politique de confidentialité",  # not ASCII: the subject needs RFC 2047
    "version": "v2",
    "verdict": "consent",
    "releaseDate": "2026-11-29",
    "effectiveDate": "2026-12-29",
    "pageURL": "https://quillmate.example/legal/privacy-policy/v2.html",
    "changesURL": "https://quillmate.example/legal/privacy-policy/v2-changes.html",
    "siteTitle": "Quillmate Legal",
    "sections": [
        {"heading": "Information You Give Us",
         "changes": [{"text": "Added: “We collect your location & the \"nearby\" <Wi-Fi> networks.”"}]},
        {"heading": "Sharing", "changes": [{"text": "Removed: “We never sell data.”"},
                                           {"text": "Added: “We share data with partners.”"}]},
    ],
    "editorialCount": 2,
}

# Rows after the generated ones: (row, what must happen to it).
EXTRA_ROWS = [
    ({"id": "x1", "email": "first@extra.example", "name": "O'Brien & <Sons>", "locale": "fr-CA", "status": "active"},
     "notified"),
    ({"id": "x2", "email": "first@EXTRA.Example", "name": "Same Mailbox", "locale": "en", "status": "active"}, "merged"),
    ({"id": "x1", "email": "other@extra.example", "name": "Same Id", "locale": "en", "status": "active"}, "merged"),
    ({"id": "x3", "email": "no-at-sign.example", "name": "Bad", "locale": "en", "status": "active"}, "rejected"),
    ({"id": "x4", "email": "two..dots@extra.example", "name": "Bad", "locale": "en", "status": "active"}, "rejected"),
    ({"id": "x5", "email": "tab@extra.example", "name": "Tab\tName", "locale": "de", "status": " Active "}, "notified"),
    ({"id": "x6", "email": "gone@extra.example", "name": "Gone", "locale": "en", "status": "deleted"}, "ineligible"),
]


def check_translation() -> None:
    """The Mustache subset: standalone lines, scopes, inverted sections, escaping, comments."""
    env = notify_reference.make_environment()
    source = ("{{! a comment }}\n{{#items}}\n- {{name}} of {{owner}}{{#tags}} [{{.}}]{{/tags}}\n{{/items}}\n"
              "{{^items}}\nnone\n{{/items}}\n<{{html}}|{{{html}}}|{{&html}}>{{#flag}} on{{/flag}}\n")
    template = env.from_string(notify_reference.mustache_to_jinja(source, html=True))
    context = {"owner": "Ann", "html": "a&b", "flag": True,
               "items": [{"name": "x", "tags": ["t1", "t2"]}, {"name": "y", "owner": "Bob", "tags": []}]}
    assert template.render(c0=collections.ChainMap(context)) == \
        "- x of Ann [t1] [t2]\n- y of Bob\n<a&amp;b|a&b|a&b> on\n", "translated template"
    empty = template.render(c0=collections.ChainMap({"items": [], "html": ""}))
    assert empty == "none\n<||>\n", repr(empty)


def main() -> None:
    check_translation()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        users, facts, out = folder / "users.jsonl", folder / "facts.json", folder / "out"
        subprocess.run([sys.executable, BENCH / "generate_policy.py", "users", "--count", "200", "--seed", "1",
                        "--out", users], check=True, capture_output=True)
        with users.open("a", encoding="utf-8") as f:
            f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row, _ in EXTRA_ROWS)
        facts.write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")
        subprocess.run([sys.executable, BENCH / "notify_reference.py", "--users", users, "--facts", facts,
                        "--out", out], check=True, capture_output=True)

        rows = [json.loads(line) for line in users.read_text(encoding="utf-8").splitlines()]
        eligible = sum(str(row["status"]).strip().lower() == "active" for row in rows)
        rejects = collections.Counter(line.split(",")[2] for line in
                                      (out / "rejects.csv").read_text(encoding="utf-8").splitlines()[1:])
        records = [json.loads(line) for batch in sorted(out.glob("batch-*.jsonl"))
                   for line in batch.read_text(encoding="utf-8").splitlines()]
        assert len(records) == eligible - rejects["rejected"] - rejects["merged"], (len(records), eligible, rejects)
        assert len(records) > 150 and rejects["merged"] >= 2 and rejects["rejected"] >= 2, rejects
        assert rejects["name-dropped"] >= 1, rejects

        by_user = {record["user"]: record for record in records}
        assert len(by_user) == len(records), "a user notified twice"
        mailboxes = {record["to"].rpartition("@")[0] + "@" + record["to"].rpartition("@")[2].lower()
                     for record in records}
        assert len(mailboxes) == len(records), "a mailbox notified twice"
        for row, outcome in EXTRA_ROWS:
            notified = by_user.get(row["id"], {}).get("to") == row["email"]
            assert notified == (outcome == "notified"), (row, outcome)

        locales = {str(row["id"]): row["locale"] for row in reversed(rows)}  # the first row of an id wins
        names = {str(row["id"]): row["name"] for row in reversed(rows)}
        for record in records:
            check_message(record, locales[record["user"]], names[record["user"]])
        print(f"ok: {len(records)} messages from {len(rows)} rows ({eligible} eligible, "
              f"{rejects['rejected']} rejected, {rejects['merged']} merged)")


def check_message(record: dict, locale: str, name: str) -> None:
    assert list(record) == ["user", "to", "messageId", "contentHash", "raw"], list(record)
    raw = record["raw"]
    assert "\n" not in raw.replace("\r\n", ""), "a bare line feed"
    assert all(len(line) <= 998 for line in raw.split("\r\n")), "a line over 998 characters"
    msg = email.message_from_string(raw, policy=email.policy.default)
    assert not msg.defects, msg.defects
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part["Content-Transfer-Encoding"] == "quoted-printable" and part.get_content_charset() == "utf-8"
               for part in parts)
    text, body = (part.get_content() for part in parts)

    french = locale.lower().startswith("fr")
    date = notify_reference.date_words(FACTS["effectiveDate"], "fr" if french else "")
    assert FACTS["title"] in msg["Subject"] and date in msg["Subject"], msg["Subject"]
    assert (msg["Content-Language"] == "fr") == french
    assert msg["Message-ID"] == record["messageId"]
    assert msg["To"].addresses[0].addr_spec == record["to"]
    assert len(record["contentHash"]) == 64
    assert msg["Auto-Submitted"] == "auto-generated"

    greeting = name.strip() if name.strip() and "\t" not in name else record["to"]
    for value in (FACTS["title"], date, FACTS["pageURL"], FACTS["changesURL"], FACTS["siteTitle"], record["to"],
                  greeting):
        assert value in text, (value, text)
        assert html.escape(value).replace("&#x27;", "&#39;") in body, (value, body)
    for section in FACTS["sections"]:
        for value in [section["heading"]] + [change["text"] for change in section["changes"]]:
            assert value in text, value
            assert html.escape(value).replace("&#x27;", "&#39;") in body, value


if __name__ == "__main__":
    main()
