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
Prints 'N passed, N failed' and exits 1 when anything failed.
"""
import argparse
import datetime
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_site import ROOT, Results, run  # noqa: E402

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


def article_ids(page):
    html = page.read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return [i for i in re.findall(r'\bid="([^"]+)"', article) if not i.startswith("policy-")]


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1280, 900)
    return driver


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
        print(" ".join(sorted(by_anchor)))
        print(f"ids: {len(by_anchor)} followed on the current page, {notes} onto removal notes")
    finally:
        driver.quit()
    print(f"checks: {results.passed} passed, {len(results.failed)} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
