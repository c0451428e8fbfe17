#!/usr/bin/env python3
"""The records officer's journey in headless Chromium (issue 16 item 4), with the keyboard.

Usage:
  journey_records.py --base-url http://127.0.0.1:8080 --name NAME --password PASSWORD
                     [--totp-secret SECRET] --citizen +16505550191 [--artifacts DIR]

Signs in with the keyboard, places a litigation hold on one citizen (Tab to each field, type,
Enter), runs disposition, opens the list made (Tab to its link, Enter) and approves it with the
keyboard alone (Tab to the approve button, Enter). axe-core's WCAG 2.1 A/AA rules run on each
page passed through, with a screenshot each. One PASS/FAIL line per step; the last line names the
list (LIST <id>) for the caller's checks. Exit 0: every step passed; 1: a step failed; 2: could
not run.
"""

import argparse
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
sys.path.insert(0, str(HERE))

import browser_support  # noqa: E402
import page_checks  # noqa: E402
import run_browser_tests  # noqa: E402


class Failed(Exception):
    """A step failed: its name and what was seen."""


class Journey:
    def __init__(self, driver, axe_js, base, artifacts, report):
        self.driver, self.axe_js, self.base, self.artifacts, self.report = driver, axe_js, base, artifacts, report
        self.shots = 0

    def check_page(self, step):
        """axe and the console on the current page, and a screenshot."""
        path = page_checks.current_path(self.driver)
        self.shots += 1
        self.driver.save_screenshot(str(self.artifacts / f"records-{self.shots:02d}-{step}.png"))
        if not page_checks.check_axe(self.driver, self.axe_js, self.report, "records_officer", path):
            raise Failed(f"{step}: axe found WCAG violations on {path}")
        if not page_checks.check_console(self.driver, self.report, "records_officer", path):
            raise Failed(f"{step}: console errors on {path}")

    def step(self, name, ok, detail):
        if not ok:
            self.report.failed("records_officer", page_checks.current_path(self.driver), name, detail)
            raise Failed(f"{name}: {detail}")
        self.report.passed("records_officer", page_checks.current_path(self.driver), name, detail)

    def type_into(self, field, text):
        self.step(f"tab-to-{field}", page_checks.tab_to(self.driver, field), f"Tab reaches the field {field!r}")
        page_checks.press(self.driver, text)

    def tab_until(self, script, limit=200):
        """Presses Tab until `script` (about document.activeElement) is true."""
        from selenium.webdriver.common.keys import Keys

        for _ in range(limit):
            if self.driver.execute_script(script):
                return True
            page_checks.press(self.driver, Keys.TAB)
        return False

    def notice(self):
        return self.driver.execute_script("const n = document.querySelector('.notice'); return n ? n.innerText : '';")

    def run(self, name, password, totp, citizen):
        from selenium.webdriver.common.keys import Keys

        if not page_checks.sign_in_with_keyboard(self.driver, self.base, self.report, "records_officer", name, password, totp):
            raise Failed("keyboard-sign-in")

        # A litigation hold on one citizen, with the keyboard.
        self.driver.get(self.base + "/retention/holds")
        self.check_page("holds")
        self.step("tab-to-hold-type", page_checks.tab_to(self.driver, "hold-type"), "Tab reaches the hold type")
        page_checks.press(self.driver, "Litigation")
        if self.driver.execute_script("return document.getElementById('hold-type').value;") != "litigation":
            page_checks.press(self.driver, Keys.ARROW_DOWN)
        chosen = self.driver.execute_script("return document.getElementById('hold-type').value;")
        self.step("choose-hold-type", chosen == "litigation", f"typing chose {chosen!r}")
        for field, text in (
            ("hold-matter", "Case 26-2-04711-1"),
            ("hold-custodian", "Records office"),
            ("hold-reason", "Complaint filed in superior court"),
            ("scope-citizens", citizen),
        ):
            self.type_into(field, text)
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        self.step("place-hold", "is placed" in self.notice(), f"on {self.driver.current_url}: {self.notice() or page_checks.page_error(self.driver)}")
        self.check_page("hold-placed")

        # Disposition: run it (Tab to the button, Enter).
        self.driver.get(self.base + "/retention/lists")
        self.check_page("lists")
        self.step(
            "tab-to-run",
            self.tab_until("const e = document.activeElement; return e && e.tagName === 'BUTTON' && e.innerText.trim() === 'Run disposition';"),
            "Tab reaches “Run disposition”",
        )
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        self.step("run-disposition", "1 list was made" in self.notice(), self.notice() or page_checks.page_error(self.driver) or "no notice")
        self.check_page("lists-made")

        # Open the list, then approve it with the keyboard alone.
        found = self.tab_until(
            "const e = document.activeElement; return e && e.tagName === 'A' && /^\\/retention\\/lists\\/[^/]+$/.test(new URL(e.href).pathname);"
        )
        self.step("tab-to-list", found, "Tab reaches the new list's link")
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        path = page_checks.current_path(self.driver)
        self.step("open-list", path.startswith("/retention/lists/"), f"on {path}")
        list_id = path.rsplit("/", 1)[-1]
        self.check_page("list")
        self.step("tab-to-approve", self.tab_until("return document.activeElement && document.activeElement.id === 'approve';"), "Tab reaches the approve button")
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        self.step("approve", "Your approval is recorded." in self.notice(), self.notice() or page_checks.page_error(self.driver) or "no notice")
        self.check_page("list-approved")
        print(f"LIST {list_id}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--totp-secret")
    parser.add_argument("--citizen", required=True)
    parser.add_argument("--artifacts", default=str(HERE.parents[1] / ".build" / "browser-artifacts"))
    args = parser.parse_args()
    artifacts = pathlib.Path(args.artifacts)
    artifacts.mkdir(parents=True, exist_ok=True)
    report = run_browser_tests.Report(sys.stdout)
    try:
        axe_js = browser_support.load_axe()
        driver = browser_support.make_driver()
    except browser_support.BrowserUnavailable as error:
        print(f"FAIL could not start the browser: {error}", flush=True)
        return 2
    clock = run_browser_tests.TOTPClock()
    totp = (lambda: clock.next_code(args.name, args.totp_secret)) if args.totp_secret else None
    try:
        Journey(driver, axe_js, args.base_url.rstrip("/"), artifacts, report).run(args.name, args.password, totp, args.citizen)
    except Failed as failure:
        print(f"FAIL journey stopped at {failure}", flush=True)
        return 1
    finally:
        driver.quit()
    return 1 if report.count("fail") else 0


if __name__ == "__main__":
    sys.exit(main())
