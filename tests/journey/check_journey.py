#!/usr/bin/env python3
"""A new user's journey, end to end, through the binary alone: from an empty folder to a published site and
delivered notices, with nothing copied from this repository.

In an empty temporary folder:
  * `policyc init legal --base-url …` writes a project (and refuses to write it twice);
  * the starter policy and policyc.yml are edited as a company would (its name, its sender), and
    `policyc check` passes them;
  * `policyc release` makes v1, an editorial v2 (takes effect at once) and a material v3, refused without
    release notes (saying how to give them) and accepted with `--notes FILE`; CHANGELOG.md carries the notes;
  * `policyc build` publishes the site: no page, feed or stylesheet carries a tier, a rule id or an override
    (check_site.py's review_words); the page in force announces v3 with its notes and its date in words;
    `build` and `status --format json` name the effective date as the next change;
  * built with `--today` the day before and the day of the effective date, the page in force switches from
    version 2 to version 3;
  * `policyc notify` reads a small CSV export of Users (one duplicate mailbox, one inactive User), and
    `policyc send` hands the notices to msmtp, which delivers them to an aiosmtpd server in this process:
    each email opens with the release notes ("What is changing") before the details, from the configured
    sender, linking to the configured site;
  * `policyc notices proof` lists the Users sent, the one merged and the one not notified, with why;
  * headless Chromium photographs the page in force and the redline at desktop and phone widths, kept
    beside check_site.py's screenshots (OUT/screenshots/journey-*.png).
Needs msmtp (Debian `msmtp`), aiosmtpd, selenium and Chromium (`make test-deps`). Prints one line per check,
then 'checks: N passed, N failed', and exits 1 when anything failed.
"""
import csv
import datetime
import email
import email.policy
import html
import io
import json
import pathlib
import re
import shutil
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "notices"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "site"))
import check_delivery as delivery  # noqa: E402  (the SMTP server, msmtp, the Policyc runner, the tally)
from check_site import review_words  # noqa: E402  (what only the internal review may show)

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = "privacy-policy"
BASE_URL = "https://legal.tinkerly.example"
SENDER = "Tinkerly Legal <legal@tinkerly.example>"
# A new user releases on the days they work; the journey runs on days relative to today, so that `check`
# (which refuses a "Last updated" date in the future) sees the starter policy as a new user would.
TODAY = datetime.date.today()
V1_DAY = TODAY
V2_DAY = TODAY + datetime.timedelta(days=7)
V3_DAY = TODAY + datetime.timedelta(days=14)
EFFECTIVE_DAY = V3_DAY + datetime.timedelta(days=30)  # notice.periodDays of the starter config
NOTIFY_DAY = V3_DAY + datetime.timedelta(days=1)
NOTES = "We now ask for your **phone number** when you create an account, so that you can recover it.\n"
NOTES_TEXT = "We now ask for your phone number when you create an account, so that you can recover it."
USERS = (b"id,email,name,locale,status\r\n"
         b"u1,ada@example.com,Ada Lovelace,en,active\r\n"
         b"u2,Ada@Example.com,Ada Again,en,active\r\n"
         b"u3,gone@example.com,Gone Away,en,inactive\r\n"
         b"u4,claire@example.fr,Claire Dupont,fr,active\r\n")
NOTIFIED = {"ada@example.com": "u1", "claire@example.fr": "u4"}


def in_words(day):
    """A date as the site writes it in English: 3 March 2027."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def output(result):
    return (result.stdout + result.stderr).decode(errors="replace")


def start(results, policyc, folder):
    """init in an empty folder, then what a company edits, then check."""
    result = policyc(folder, "init", "legal", "--base-url", BASE_URL)
    project = folder / "legal"
    written = sorted(str(path.relative_to(project)) for path in project.rglob("*") if path.is_file())
    results.check(result.returncode == 0 and written == [".github/workflows/policy.yml", ".gitignore", "CHANGELOG.md",
                                                         "policy/policyc.yml", "policy/privacy-policy.md",
                                                         "script/policy-pipeline"],
                  "init: an empty folder becomes a project", output(result) + str(written))
    again = policyc(folder, "init", "legal")
    results.check(again.returncode == 1 and "policy/privacy-policy.md" in output(again),
                  "init again: refused, naming what is there", output(again))

    draft = project / "policy" / f"{DOC}.md"
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("Example, Inc.", "Tinkerly, Inc.").replace("example.com", "tinkerly.example"),
                     encoding="utf-8")
    config = project / "policy" / "policyc.yml"
    edit(config, "title: Example Legal", "title: Tinkerly Legal")
    edit(config, "  # from: Example Legal <legal@example.com>", f"  from: {SENDER}")
    # check runs from a folder inside the project, which it finds as git does.
    result = policyc(project / "policy", "check")
    results.check(result.returncode == 0 and "0 errors, 0 warnings" in output(result),
                  "check: the edited starter passes, run from inside the project", output(result))
    return project, draft


def release(policyc, project, *args):
    result = policyc(project, "release", DOC, "--format", "json", *args)
    return result, (json.loads(result.stdout).get("release", {}) if result.returncode == 0 else {})


def releases(results, policyc, project, draft):
    """v1; an editorial v2 in force at once; a material v3, refused without notes, after the notice period."""
    result, report = release(policyc, project, "--date", V1_DAY.isoformat())
    results.check(result.returncode == 0 and report.get("version") == "v1", "release: v1", output(result))

    edit(draft, "whom we share it with", "with whom we share it")
    result, report = release(policyc, project, "--date", V2_DAY.isoformat())
    results.check(report.get("version") == "v2" and report.get("verdict") == "editorial"
                  and report.get("effectiveDate") == V2_DAY.isoformat(),
                  "release: an editorial v2, in force on its release day", output(result))

    edit(draft, "your name and email address when you create an account",
         "your name, email address and phone number when you create an account")
    refused = policyc(project, "release", DOC, "--date", V3_DAY.isoformat())
    results.check(refused.returncode == 1 and "release notes" in output(refused) and "--notes FILE" in output(refused),
                  "release: a material change without notes is refused, saying how to give them", output(refused))
    notes = project.parent / "notes.md"  # written where the author keeps drafts, outside the project
    notes.write_text(NOTES, encoding="utf-8")
    result, report = release(policyc, project, "--date", V3_DAY.isoformat(), "--notes", str(notes))
    results.check(report.get("version") == "v3" and report.get("verdict") == "material"
                  and report.get("effectiveDate") == EFFECTIVE_DAY.isoformat(),
                  "release: a material v3 with notes, in force after 30 days of notice", output(result))
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    results.check(changelog.find("## Privacy Policy v3") < changelog.find(NOTES.strip()) < changelog.find("## Privacy Policy v2"),
                  "CHANGELOG.md: the v3 entry carries the notes", changelog[:800])


def build(policyc, project, today, out):
    return policyc(project, "build", "--today", today.isoformat(), "--out", str(out))


def public_pages(results, policyc, project, keep):
    """The site as a User sees it between the release and the effective date: no review words, the notes."""
    site = keep / "site"
    result = build(policyc, project, NOTIFY_DAY, site)
    results.check(result.returncode == 0 and f"next changes on {EFFECTIVE_DAY.isoformat()}" in output(result),
                  "build: says the site next changes on the effective date", output(result))
    status = policyc(project, "status", "--on", NOTIFY_DAY.isoformat(), "--format", "json")
    results.check(EFFECTIVE_DAY.isoformat() in status.stdout.decode() and b"nextChange" in status.stdout,
                  "status --format json: nextChange is the effective date", output(status))
    pages = [*site.rglob("*.html"), site / "feed.xml", site / "style.css"]
    words = review_words()
    shown = {str(page.relative_to(site)): found for page in pages
             if (found := [word for word in words if word in page.read_text(encoding="utf-8")])}
    results.check(len(pages) >= 8 and not shown, f"build: none of {len(pages)} public files shows a tier or rule id", shown)
    current = (site / f"{DOC}.html").read_text(encoding="utf-8")
    results.check(f'takes effect on <time datetime="{EFFECTIVE_DAY.isoformat()}">{in_words(EFFECTIVE_DAY)}</time>' in current
                  and "We now ask for your <strong>phone number</strong>" in current,
                  "the page in force announces v3: its date in words and its notes", current[:1500])
    index = (site / "index.html").read_text(encoding="utf-8")
    results.check(f'Last updated <time datetime="{V2_DAY.isoformat()}">{in_words(V2_DAY)}</time>' in index
                  and f'takes effect on <time datetime="{EFFECTIVE_DAY.isoformat()}">{in_words(EFFECTIVE_DAY)}</time>' in index,
                  "the index gives both its dates in the same words", index)
    redline = (site / DOC / "v3-changes.html").read_text(encoding="utf-8")
    results.check(0 < redline.find("We now ask for your <strong>phone number</strong>") < redline.find("<ins>"),
                  "the v3 redline leads with the notes")
    results.check("Last updated" not in redline and "Preamble" not in redline,
                  "the v3 redline leaves out the stamped date line (its header gives the dates)", redline)
    return site


def in_force(page):
    """The version the page in force names, and whether it announces a coming one."""
    text = page.read_text(encoding="utf-8")
    version = re.search(r'<p class="version-meta">Version (\d+), in force since', text)
    return (version and int(version.group(1))), "notice-advance" in text, "phone number" in text


def switch_over(results, policyc, project, folder):
    """Pages are static: built the day before the effective date, v2 is in force; built that day, v3."""
    before, on = folder / "site-before", folder / "site-on"
    ok = build(policyc, project, EFFECTIVE_DAY - datetime.timedelta(days=1), before).returncode == 0
    ok = build(policyc, project, EFFECTIVE_DAY, on).returncode == 0 and ok
    was, now = in_force(before / f"{DOC}.html"), in_force(on / f"{DOC}.html")
    results.check(ok and was == (2, True, True), "built the day before: version 2 in force, v3 announced", was)
    results.check(ok and now == (3, False, True), "built on the effective date: version 3 in force, no announcement", now)


def notices(results, policyc, project, inbox, command):
    """notify a small export, send it through msmtp to the SMTP server; every email opens with the notes."""
    users = project.parent / "users.csv"  # the export lives outside the project, with the company's user data
    users.write_bytes(USERS)
    result = policyc(project, "notify", DOC, "--users", str(users), "--today", NOTIFY_DAY.isoformat(), "--json")
    report = json.loads(result.stdout) if result.returncode == 0 else {}
    results.check({key: report.get(key) for key in ("rows", "planned", "merged", "ineligible")}
                  == {"rows": 4, "planned": 2, "merged": 1, "ineligible": 1},
                  "notify: 4 rows, 2 planned, a duplicate mailbox merged, an inactive User left out", output(result))
    since = len(inbox.messages)
    result = policyc(project, "send", "--release", f"{DOC}@v3", "--command", command, "--retry-delay", "0")
    received = [email.message_from_bytes(message.content, policy=email.policy.default)
                for message in inbox.messages[since:]]
    by_address = {message["To"].addresses[0].addr_spec: message for message in received}
    results.check(result.returncode == 0 and sorted(by_address) == sorted(NOTIFIED),
                  "send: msmtp delivers one email to each notified User", output(result) + str(sorted(by_address)))
    ada = by_address.get("ada@example.com")
    if ada is None:
        return
    results.check(str(ada["From"]) == SENDER, "the email comes from notice.from", str(ada["From"]))
    text = ada.get_body(("plain",)).get_content()
    # The greeting and one sentence saying why Users hear of it, then the notes under the first heading.
    headings = [line for line in text.splitlines() if line.isupper() and len(line) > 3]
    notes_at = " ".join(text.split()).find(NOTES_TEXT)
    results.check(headings[:2] == ["WHAT IS CHANGING", "IN DETAIL, SECTION BY SECTION"]
                  and 0 < " ".join(text.split()).find("WHAT IS CHANGING") < notes_at
                  < " ".join(text.split()).find("IN DETAIL"),
                  "the text email opens with the notes (What is changing), then the details", text[:900])
    markup = html.unescape(ada.get_body(("html",)).get_content())
    results.check(0 < markup.find("What is changing") < markup.find("<strong>phone number</strong>")
                  < markup.find("section by section"), "the HTML email opens with the notes too", markup[:1500])
    results.check(f"{BASE_URL}/{DOC}/v3.html" in text and f"{BASE_URL}/{DOC}/v3-changes.html" in text,
                  "the email links to the new version and its redline on the site")


def proof(results, policyc, project):
    result = policyc(project, "notices", "proof", "--release", f"{DOC}@v3")
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode(), newline="")))
    found = sorted((row["user_id"], row["state"]) for row in rows)
    results.check(result.returncode == 0 and found == [("u1", "sent"), ("u2", "merged"), ("u3", "ineligible"), ("u4", "sent")],
                  "notices proof: the Users sent, the one merged, the one not notified", found)
    reasons = {row["user_id"]: row["reason"] for row in rows}
    results.check("same mailbox as user u1" in reasons.get("u2", "") and "inactive" in reasons.get("u3", ""),
                  "notices proof: says why each was not sent its own", reasons)


def screenshots(results, site, out):
    """The page in force (announcing v3) and the v3 redline, at desktop and phone widths."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "site"))
    from check_site import headless_chromium

    driver = headless_chromium()
    shots = out / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
            driver.set_window_size(width, height)
            for name, stem in ((f"{DOC}.html", "journey-current"), (f"{DOC}/v3-changes.html", "journey-redline")):
                driver.get((site / name).as_uri())
                overflow = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth;")
                results.check(not overflow, f"{name} at {width} px: nothing wider than the window")
                path = shots / f"{stem}-{label}.png"
                driver.save_screenshot(str(path))
                results.check(path.stat().st_size > 10_000, f"screenshot {path.name} is not empty")
    finally:
        driver.quit()
    print(f"screenshots: {shots}")


def journey(results, policyc, inbox, folder, port, out):
    empty = folder / "new-user"
    empty.mkdir()
    project, draft = start(results, policyc, empty)
    releases(results, policyc, project, draft)
    keep = out / "journey"
    shutil.rmtree(keep, ignore_errors=True)
    site = public_pages(results, policyc, project, keep)
    switch_over(results, policyc, project, folder)
    notices(results, policyc, project, inbox, delivery.msmtp_command(folder, port))
    proof(results, policyc, project)
    screenshots(results, site, out)


def main():
    args = delivery.arguments(__doc__, ("--out", {
        "default": str(ROOT / ".build" / "site-checks"),
        "help": "where check_site.py keeps its site and screenshots; the journey's go beside them"}))
    out = pathlib.Path(args.out).resolve()
    delivery.run_checks(args.policyc, lambda results, policyc, inbox, folder, port:
                        journey(results, policyc, inbox, folder, port, out))


if __name__ == "__main__":
    main()
