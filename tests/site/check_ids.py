#!/usr/bin/env python3
"""Old links land on their successor, or on a note saying the part was removed (issue 23).

Releases seven versions of a small policy with the real binary: the first, then six that in turn
insert a section (every later one renumbered), rename one, split a clause, merge two, move a clause
to another section and delete a section. After each release the site is built as a reader would have
seen it then, and every id of every page (the version in force and each archived version) is noted
with the words of the element it landed on. Then, on the final site, headless Chromium opens the
current page at each of those ids and checks that the element in view holds the successor's words,
or the note "This part was removed in version 7" linking to version 6 at that id, where the same
words are. `policyc check` must accept the archive and its id maps.

The redline and the notice email of each release link with persistent ids, and the links are followed:
Chromium opens each change's link on the release's redline page and checks that the element it lands
on in the version page holds the change's words (the new ones; the old ones in the version before, for
a removal). For each material release `policyc notify` writes the emails of an English and a French
User; each changed section's link (text and HTML part) is followed on the current page of the site as
it stands once the release is in force, and the section there must hold the words the email quotes
(or the removal note, for a section removed). A structural id would land on other words: inserting a
section makes `sec-2` another section.
Prints 'N passed, N failed' and exits 1 when anything failed.
"""
import argparse
import datetime
import email
import email.policy
import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_site import ROOT, Results, headless_chromium, run  # noqa: E402

DOC = "privacy-policy"

POLICY = """\
Example Privacy Policy
======================

_Last updated: January 5, 2027_

This policy says what Example does with personal data.

## 1. Personal Data We Collect

We collect the name and email address you give us when you create an account.

We collect the device type and browser version when you use the app.

* Payment details, when you buy a subscription.
* Support messages, when you write to us.

## 2. How We Use Personal Data

We use personal data to provide the service and to keep it secure. We also use it to answer your questions.

We send you emails about your account.

We send you emails about new features if you ask for them.

We measure how the app performs so we can fix crashes.

## 3. How We Share Personal Data

We share personal data with the payment processor that handles your subscription.

We share personal data with authorities when the law requires it.

We keep support messages for two years.

## 4. How Long We Keep Personal Data

We keep account data while your account is open.

We delete account data within 30 days after you close your account.

## 5. Children

The service is not meant for children under 13.

If we learn that a child gave us personal data, we delete it.

## 6. Contact Us

Write to privacy@example.com with any question about this policy.
"""

CONFIG = """\
site:
  title: Example legal
  baseURL: https://legal.example.com
notice:
  periodDays: 30
  from: Example Privacy <privacy@example.com>
"""

SPLIT_WHOLE = "We use personal data to provide the service and to keep it secure. We also use it to answer your questions."
SPLIT_FIRST = "We use personal data to provide the service and to keep it secure."
MERGED_PARTS = ("We send you emails about your account.", "We send you emails about new features if you ask for them.")
MERGED = " ".join(MERGED_PARTS)


def renumber(text, mapping):
    for old, new in mapping:
        text = text.replace(f"## {old}. ", f"## {new}. ", 1)
    return text


# Each release after the first: what it does, and the edit of the draft.
EDITS = [
    ("insert a section", lambda t: renumber(t, [(6, 7), (5, 6), (4, 5), (3, 4), (2, 3)]).replace(
        "## 3. How We Use",
        "## 2. Our Commitments\n\nWe collect only what the service needs.\n\n"
        "We tell you before we change how we use your data.\n\n## 3. How We Use", 1)),
    ("rename a section", lambda t: t.replace("## 4. How We Share Personal Data", "## 4. Who We Share Personal Data With", 1)),
    ("split a clause", lambda t: t.replace(SPLIT_WHOLE, SPLIT_FIRST + "\n\nWe also use it to answer your questions.", 1)),
    ("merge two clauses", lambda t: t.replace(MERGED_PARTS[0] + "\n\n" + MERGED_PARTS[1], MERGED, 1)),
    ("move a clause to another section", lambda t: t.replace("We keep support messages for two years.\n\n", "", 1).replace(
        "We keep account data while your account is open.\n\n",
        "We keep account data while your account is open.\n\nWe keep support messages for two years.\n\n", 1)),
    ("delete a section", lambda t: renumber(t.replace(
        "## 6. Children\n\nThe service is not meant for children under 13.\n\n"
        "If we learn that a child gave us personal data, we delete it.\n\n", "", 1), [(7, 6)])),
]

DELETED = {"Children", "The service is not meant for children under 13.",
           "If we learn that a child gave us personal data, we delete it."}
REMOVAL_NOTE = "This part was removed in version 7. Read it as it was in version 6."


def successor_words(words):
    """The words an element holding `words` on some page must hold on the final page."""
    if words in DELETED:
        return REMOVAL_NOTE
    return {"How We Share Personal Data": "Who We Share Personal Data With", SPLIT_WHOLE: SPLIT_FIRST,
            MERGED_PARTS[0]: MERGED, MERGED_PARTS[1]: MERGED}.get(words, words)


# The element an id lands on, and its words: a section by its heading (without number and '#'), a list
# item without its nested lists, an alias (an empty span) by the element that holds it.
DESCRIBE = """
var e = document.getElementById(arguments[0]);
if (!e) return null;
var holder = e;
if (holder.tagName === 'SPAN' && !holder.textContent.trim()) holder = holder.parentElement;
if (holder.tagName === 'TD' || holder.tagName === 'TH') holder = holder.parentElement;
if (holder.tagName === 'HEADER') holder = holder.querySelector('h1');
var words;
if (holder.tagName === 'SECTION') {
  var heading = holder.querySelector('h2, h3, h4, h5, h6').cloneNode(true);
  heading.querySelectorAll('.number, .anchor').forEach(function (x) { x.remove(); });
  words = heading.textContent;
} else {
  var copy = holder.cloneNode(true);
  copy.querySelectorAll('ul, ol, span[id]').forEach(function (x) { x.remove(); });
  words = copy.textContent;
}
var box = e.getBoundingClientRect();
var link = holder.classList.contains('removed-note') ? holder.querySelector('a').getAttribute('href') : null;
return [holder.tagName, words.replace(/\\s+/g, ' ').trim(), box.top > -2 && box.top < window.innerHeight, link];
"""


# The words of a page's element: what a link to `arguments[0]` lands on (an alias span by its holder, a
# table cell by its row), the buttons of the page left out.
LANDED = """
var e = document.getElementById(arguments[0]);
if (!e) return null;
var holder = e;
if (holder.tagName === 'SPAN' && !holder.textContent.trim()) holder = holder.parentElement;
if (holder.tagName === 'TD' || holder.tagName === 'TH') holder = holder.parentElement;
var copy = holder.cloneNode(true);
copy.querySelectorAll('.anchor').forEach(function (x) { x.remove(); });
return [holder.tagName, holder.className, copy.textContent.replace(/\\s+/g, ' ').trim()];
"""

# Each change of a redline: its link's address (resolved against the page) and its words, new and old.
REDLINE_CHANGES = """
return Array.from(document.querySelectorAll('.redline .change')).map(function (change) {
  var link = change.querySelector('.change-place a');
  var text = change.querySelector('.change-text').cloneNode(true);
  text.querySelectorAll('.visually-hidden').forEach(function (x) { x.remove(); });
  var newer = text.cloneNode(true), older = text.cloneNode(true);
  newer.querySelectorAll('del').forEach(function (x) { x.remove(); });
  older.querySelectorAll('ins').forEach(function (x) { x.remove(); });
  function words(node) { return node.textContent.replace(/\\s+/g, ' ').trim(); }
  return [change.id, link ? link.href : null, words(newer), words(older), change.classList.contains('kind-removed'),
          change.classList.contains('kind-split'), /^Last updated:/.test(words(newer))];
});
"""


def follow(driver, url):
    """Opens `url` as a reader's click would, and reads the element its fragment names."""
    driver.get(url)
    return driver.execute_script(LANDED, url.split("#", 1)[1]) if "#" in url else None


def check_redline(results, driver, page, version):
    """Every change of the redline links to its place, and the place holds the change's words."""
    driver.get(page.as_uri())
    changes = driver.execute_script(REDLINE_CHANGES)
    results.check(changes, f"{page.name}: the redline shows no change")
    followed = 0
    for change_id, url, new_words, old_words, removed, split, date_line in changes:
        if date_line:
            # The date line is part of the page's header, not an element with an id: nowhere to link.
            results.check(url is None, f"{page.name} #{change_id}: the date line links {url}")
            continue
        if url is None:
            results.check(False, f"{page.name} #{change_id}: no link to its place")
            continue
        expected_page, words = (f"v{version - 1}.html", old_words) if removed else (f"v{version}.html", new_words)
        results.check(url.split("#")[0].endswith("/" + expected_page), f"{page.name} #{change_id}: links {url}, not {expected_page}")
        landed = follow(driver, url)
        if split and landed is not None:
            # A split clause's first part keeps its id: the link lands there, on the first of the new words.
            results.check(landed[2] and words.startswith(landed[2]) and landed[2] != words,
                          f"{page.name} #{change_id}: the split lands on {landed}, not the first part of “{words}”")
            followed += 1
            continue
        results.check(landed is not None and words and words in landed[2],
                      f"{page.name} #{change_id}: {url.rsplit('/', 1)[-1]} lands on {landed}, which does not hold “{words}”")
        followed += 1
    return followed


BASE_URL = "https://legal.example.com"
QUOTE = re.compile(r"“(?:… )?(.*?)(?: …)?”")
USERS = [{"id": "u1", "email": "ann@example.org", "name": "Ann", "locale": "en", "status": "active"},
         {"id": "u2", "email": "claire@example.org", "name": "Claire", "locale": "fr", "status": "active"}]


def email_sections(raw):
    """(heading, link, statements) of each changed section, from the text part and from the HTML part."""
    message = email.message_from_string(raw, policy=email.policy.default)
    text, body = (part.get_content().replace("\r\n", "\n") for part in message.iter_parts())
    from_text = []
    for block in re.split(r"\n\n+", text):
        lines = block.splitlines()
        if len(lines) >= 2 and lines[1].startswith(BASE_URL) and all(line.startswith("- ") for line in lines[2:]):
            from_text.append((lines[0], lines[1], [line[2:] for line in lines[2:]]))
    from_html = []
    for match in re.finditer(r'<h2[^>]*><a href="([^"]+)">(.*?)</a></h2>\s*<ul[^>]*>(.*?)</ul>', body, re.S):
        items = [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", match.group(3), re.S)]
        from_html.append((html.unescape(match.group(2)), html.unescape(match.group(1)), items))
    return from_text, from_html


def expected_words(statement):
    """What the section a statement is linked to must hold: the new words it quotes, the new title of a
    renamed section, the title of a new one; None for words that are gone (removed)."""
    for label in ("Removed", "Supprimé", "Section removed", "Section supprimée"):
        if statement.startswith(label):
            return None
    for label in ("New section", "Nouvelle section"):
        if statement.startswith(label):
            return statement.split(":", 1)[1].strip().rstrip(".").strip()
    for label in ("Section renamed from", "Section renommée de"):
        if statement.startswith(label):
            return re.split(r" (?:to|en) ", statement[len(label):], maxsplit=1)[1].rstrip(".").strip()
    quoted = QUOTE.search(statement)
    return quoted.group(1) if quoted else None


def check_emails(results, driver, policyc, project, site, version, day):
    """Notify two Users of release `version`; follow each section link of both parts of both emails."""
    users = project / "users.jsonl"
    users.write_text("".join(json.dumps(row) + "\n" for row in USERS), encoding="utf-8")
    out = project / "notices" / f"links-v{version}"
    result = subprocess.run([policyc, "notify", DOC, "--users", str(users), "--today", day.isoformat(), "--out", str(out)],
                            cwd=project, capture_output=True, text=True)
    if result.returncode != 0:
        # An editorial release sends no notice.
        results.check("editorial" in result.stderr, f"v{version}: notify failed: {result.stderr}")
        return 0
    raws = [json.loads(line)["raw"] for batch in sorted(out.glob("batch-*.jsonl"))
            for line in batch.read_text(encoding="utf-8").splitlines()]
    results.check(len(raws) == len(USERS), f"v{version}: {len(raws)} emails, not {len(USERS)}")
    followed = 0
    for raw in raws:
        from_text, from_html = email_sections(raw)
        results.check(from_text and [(h, u) for h, u, _ in from_text] == [(h, u) for h, u, _ in from_html],
                      f"v{version}: the text and HTML parts link different sections: {from_text} / {from_html}")
        for heading, url, statements in from_text + from_html:
            results.check(url.startswith(f"{BASE_URL}/{DOC}.html#"), f"v{version} “{heading}”: links {url}, not the current page")
            landed = follow(driver, site.as_uri() + url[len(BASE_URL):])
            if landed is None:
                results.check(False, f"v{version} “{heading}”: {url} lands nowhere")
                continue
            followed += 1
            for statement in statements:
                words = expected_words(statement)
                if statement.startswith(("Section removed", "Section supprimée")):
                    results.check("removed-note" in landed[1] and f"removed in version {version}" in landed[2],
                                  f"v{version} “{heading}”: {url} lands on {landed}, not the removal note")
                elif words is not None:
                    results.check(words in landed[2],
                                  f"v{version} “{heading}”: {url} lands on “{landed[2][:120]}”, which does not hold “{words}”")
    return followed


def article_ids(page):
    html = page.read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return [i for i in re.findall(r'\bid="([^"]+)"', article) if not i.startswith("policy-")]


def chromium():
    return headless_chromium()


def describe(driver, page, anchor):
    driver.get(page.as_uri() + "#" + anchor)
    return driver.execute_script(DESCRIBE, anchor)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policyc", default=os.environ.get("POLICYC", str(ROOT / ".build" / "debug" / "policyc")))
    parser.add_argument("--out", default=str(ROOT / ".build" / "id-checks"), help="where the final site is kept")
    args = parser.parse_args()
    policyc = str(pathlib.Path(args.policyc).resolve())
    out = pathlib.Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    results = Results()
    driver = chromium()
    try:
        with tempfile.TemporaryDirectory() as temporary:
            project = pathlib.Path(temporary) / "project"
            (project / "policy").mkdir(parents=True)
            (project / "policy" / "policyc.yml").write_text(CONFIG, encoding="utf-8")
            draft = project / "policy" / f"{DOC}.md"
            draft.write_text(POLICY, encoding="utf-8")
            day = datetime.date(2027, 1, 5)
            # (id, words) seen on any page of any build, with where it was seen.
            seen = {}
            redline_links = email_links = 0
            for step in range(len(EDITS) + 1):
                if step > 0:
                    what, edit = EDITS[step - 1]
                    before = draft.read_text(encoding="utf-8")
                    after = edit(before)
                    assert after != before, what
                    draft.write_text(after, encoding="utf-8")
                # Material releases need notes for Users; every release here gives some.
                notes = pathlib.Path(temporary) / "notes.md"
                notes.write_text(f"This release does this: {EDITS[step - 1][0] if step else 'first release'}.\n",
                                 encoding="utf-8")
                run(policyc, "release", DOC, "--date", day.isoformat(), "--notes", str(notes), cwd=project)
                # The site as it stood once this version took effect (a material one after 30 days).
                today = day + datetime.timedelta(days=31)
                run(policyc, "build", "--today", today.isoformat(), "--out", "_site", cwd=project)
                site = project / "_site"
                pages = [site / f"{DOC}.html", *sorted((site / DOC).glob("v*.html"))]
                for page in pages:
                    if page.name.endswith("-changes.html"):
                        continue
                    for anchor in article_ids(page):
                        found = describe(driver, page, anchor)
                        if found is None:
                            continue
                        seen.setdefault((anchor, found[1]), f"v{step + 1} build, {page.relative_to(site)}")
                if step > 0:
                    redline_links += check_redline(results, driver, site / DOC / f"v{step + 1}-changes.html", step + 1)
                    email_links += check_emails(results, driver, policyc, project, site, step + 1, day)
                day += datetime.timedelta(days=40)
            check = subprocess.run([policyc, "check", "--today", day.isoformat()], cwd=project, capture_output=True, text=True)
            results.check(check.returncode == 0 and "error" not in check.stdout,
                          f"policyc check rejects the archive: {check.stdout}{check.stderr}")
            maps = sorted((project / "policy" / "archive" / DOC).glob("v*.ids.json"))
            results.check(len(maps) == 7, f"the archive holds {len(maps)} id maps, not 7")
            shutil.copytree(project / "_site", out / "site")
            shutil.copytree(project / "policy", out / "policy")

        site = out / "site"
        current = site / f"{DOC}.html"
        by_anchor = {}
        for (anchor, words), where in seen.items():
            by_anchor.setdefault(anchor, []).append((words, where))
        results.check(len(by_anchor) > 40, f"only {len(by_anchor)} ids were seen")
        meanings = [a for a, ws in by_anchor.items() if len({successor_words(w) for w, _ in ws}) > 1]
        results.check(not meanings, f"ids that meant different things on different pages: {meanings[:10]}")
        notes = 0
        for anchor, observations in sorted(by_anchor.items()):
            found = describe(driver, current, anchor)
            if found is None:
                results.check(False, f"#{anchor} lands nowhere on the current page")
                continue
            tag, words, in_view, link = found
            results.check(in_view, f"#{anchor} is not scrolled into view ({tag})")
            for seen_words, where in observations:
                expected = successor_words(seen_words)
                results.check(words == expected,
                              f"#{anchor} ({where}: “{seen_words}”) lands on “{words}”, expected “{expected}”")
            if link is not None:
                notes += 1
                results.check(link == f"{DOC}/v6.html#{anchor}", f"#{anchor}: the removal note links {link}")
                old = describe(driver, site / link.split("#")[0], anchor)
                results.check(old is not None and any(old[1] == w for w, _ in observations),
                              f"{link} does not show the removed words: {old}")
        results.check(notes >= 3, f"only {notes} ids land on a removal note")
        results.check(redline_links >= 9, f"only {redline_links} links of the redlines were followed")
        results.check(email_links >= 4, f"only {email_links} section links of the emails were followed")
        print(f"links: {redline_links} of the redlines and {email_links} of the emails followed to their places")
        print(" ".join(sorted(by_anchor)))
        print(f"ids: {len(by_anchor)} followed on the current page, {notes} onto removal notes")
    finally:
        driver.quit()
    print(f"checks: {results.passed} passed, {len(results.failed)} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
