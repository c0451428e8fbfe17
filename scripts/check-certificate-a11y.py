#!/usr/bin/env python3
"""Checks printable HTML pages (destruction certificates) in a real browser with axe-core.

Usage: check-certificate-a11y.py PAGE.html [PAGE.html ...] [--screenshot-dir DIR] [--pdf-dir DIR]

Opens each page in headless Chromium (selenium, /usr/bin/chromium and /usr/bin/chromedriver:
`apt-get install -y chromium chromium-driver`), runs axe-core (from the PyPI package
selenium-axe-python) with the WCAG 2.0/2.1 A and AA rules, and fails on any violation, on any
console error, and on any request the page makes (a certificate loads nothing from elsewhere).
Optionally keeps a screenshot and a printed PDF of each page for a person to look at.
Exit 0: every page passes; 1: violations; 2: could not run.
"""

import argparse
import base64
import json
import pathlib
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", type=pathlib.Path)
    parser.add_argument("--screenshot-dir", type=pathlib.Path)
    parser.add_argument("--pdf-dir", type=pathlib.Path)
    args = parser.parse_args()
    try:
        import selenium_axe_python
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        print(f"check-certificate-a11y: {error}: pip install selenium selenium-axe-python", file=sys.stderr)
        return 2
    axe_js = (pathlib.Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(90)
    failures = 0
    try:
        for page in args.pages:
            url = page.resolve().as_uri()
            driver.get(url)
            driver.execute_script(axe_js)
            result = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                ".then(r => done(r)).catch(e => done({error: String(e)}));"
            )
            if "error" in result:
                print(f"{page}: axe failed: {result['error']}", file=sys.stderr)
                return 2
            for violation in result["violations"]:
                failures += 1
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                print(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
            # Favicon requests are the browser's own; anything else the page asked for is external.
            requests = []
            for entry in driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                if message.get("method") == "Network.requestWillBeSent":
                    requested = message["params"]["request"]["url"]
                    if requested != url and not requested.endswith("/favicon.ico"):
                        requests.append(requested)
            for requested in requests:
                failures += 1
                print(f"{page}: loads {requested}: a certificate must load nothing")
            for entry in driver.get_log("browser"):
                if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]:
                    failures += 1
                    print(f"{page}: console error: {entry['message']}")
            if args.screenshot_dir:
                args.screenshot_dir.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(args.screenshot_dir / (page.stem + ".png")))
            if args.pdf_dir:
                args.pdf_dir.mkdir(parents=True, exist_ok=True)
                pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
                (args.pdf_dir / (page.stem + ".pdf")).write_bytes(base64.b64decode(pdf["data"]))
            passes = len(result["passes"])
            print(f"{page}: {len(result['violations'])} axe violations, {passes} rules passed, {len(requests)} external requests")
    finally:
        driver.quit()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
