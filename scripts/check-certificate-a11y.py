#!/usr/bin/env python3
"""Checks printable HTML pages (destruction certificates) in a real browser with axe-core.

Usage: check-certificate-a11y.py PAGE.html [PAGE.html ...] [--screenshot-dir DIR] [--pdf-dir DIR]

Opens each page in headless Chromium (selenium, /usr/bin/chromium and /usr/bin/chromedriver:
`apt-get install -y chromium chromium-driver`), runs axe-core (from the PyPI package
selenium-axe-python) with the WCAG 2.0/2.1 A and AA rules, and fails on any violation, on any
console error, and on any request the page makes (a certificate loads nothing from elsewhere).
Optionally keeps a screenshot and a printed PDF of each page for a person to look at.
Exit 0: every page passes; 1: violations; 2: could not run. The browser and axe-core are set up
by scripts/browser_support.py, shared with the web pages' runner (Tests/Browser/run_browser_tests.py).
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
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    import browser_support

    try:
        axe_js = browser_support.load_axe()
        driver = browser_support.make_driver(performance_log=True)
    except browser_support.BrowserUnavailable as error:
        print(f"check-certificate-a11y: {error}", file=sys.stderr)
        return 2
    failures = 0
    try:
        for page in args.pages:
            url = page.resolve().as_uri()
            driver.get(url)
            result = browser_support.run_axe(driver, axe_js)
            if "error" in result:
                print(f"{page}: axe failed: {result['error']}", file=sys.stderr)
                return 2
            for violation in result["violations"]:
                failures += 1
                print(f"{page}: {browser_support.describe_violation(violation)}")
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
            for message in browser_support.severe_console_messages(driver, ignore=("favicon.ico",)):
                failures += 1
                print(f"{page}: console error: {message}")
            if args.screenshot_dir:
                args.screenshot_dir.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(args.screenshot_dir / (page.stem + ".png")))
            if args.pdf_dir:
                args.pdf_dir.mkdir(parents=True, exist_ok=True)
                pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
                (args.pdf_dir / (page.stem + ".pdf")).write_bytes(base64.b64decode(pdf["data"]))
            passes = result["passes"]
            print(f"{page}: {len(result['violations'])} axe violations, {passes} rules passed, {len(requests)} external requests")
    finally:
        driver.quit()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
