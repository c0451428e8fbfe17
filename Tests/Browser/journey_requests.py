#!/usr/bin/env python3
"""The public-records officer's and the auditor's journey in a real browser (issue 16, items 5 and 6).

A public-records officer signs in with the keyboard, opens a request, runs a search, applies a
redaction with an exemption and approves it, produces an installment and downloads its bundle,
all with the keyboard; then an auditor signs in,
verifies the ledger ("Verify now") and lists the accesses filtered by that officer. axe-core
(WCAG 2.1 A/AA), the 360 px and 200% zoom reflow checks and the keyboard check run on every page
passed through; screenshots go to --artifacts. Prints one
PASS/FAIL line a step and a last JSON line {"ok": …, "request": …}; exits 1 on a failure.

Usage: journey_requests.py --base-url http://127.0.0.1:PORT --officer NAME:PASSWORD
       --auditor NAME:PASSWORD --citizen 16505551234 --artifacts DIR
"""

import argparse
import json
import pathlib
import re
import sys
import time

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import browser_support  # noqa: E402
import page_checks  # noqa: E402


class Journey:
    """Collects the steps' outcomes; `check` prints PASS or FAIL and raises on a failure."""

    class Failed(Exception):
        pass

    def __init__(self, driver, axe_js, artifacts):
        self.driver = driver
        self.axe_js = axe_js
        self.artifacts = artifacts
        self.failures = []
        self.shots = 0

    # The report page_checks' functions call.
    def passed(self, label, path, check, detail):
        print(f"PASS {label} {path} {check}: {detail}", flush=True)
        return True

    def failed(self, label, path, check, detail):
        print(f"FAIL {label} {path} {check}: {detail}", flush=True)
        self.failures.append(f"{label} {path} {check}: {detail}")
        return False

    def check(self, label, step, ok, detail):
        path = page_checks.current_path(self.driver)
        if ok:
            return self.passed(label, path, step, detail)
        self.failed(label, path, step, f"{detail}; page says: {page_checks.page_error(self.driver) or 'nothing'}")
        raise Journey.Failed(step)

    def page(self, label, name):
        """axe, console and a screenshot of the current page."""
        path = page_checks.current_path(self.driver)
        self.shots += 1
        self.driver.save_screenshot(str(self.artifacts / f"requests-{self.shots:02d}-{label}-{name}.png"))
        page_checks.check_console(self.driver, self, label, path)
        if not page_checks.check_axe(self.driver, self.axe_js, self, label, path):
            raise Journey.Failed("axe")
        page_checks.check_reflow(self.driver, self, label, path, self.artifacts / f"requests-{self.shots:02d}-{label}-{name}-360.png")
        # Tab through the page as loaded afresh, then load it again so the journey starts from its top.
        url = self.driver.current_url
        self.driver.get(url)
        page_checks.check_keyboard(self.driver, self, label, path)
        self.driver.get(url)

    def tab_to_button(self, text, limit=80):
        """Presses Tab until a button whose text is `text` has focus."""
        from selenium.webdriver.common.keys import Keys

        for _ in range(limit):
            focused = self.driver.execute_script(
                "const e = document.activeElement; return e && e.tagName === 'BUTTON' ? e.innerText.trim() : null;"
            )
            if focused == text:
                return True
            page_checks.press(self.driver, Keys.TAB)
        return False

    def tab_to_link(self, text, limit=120):
        """Presses Tab until a link whose text is `text` has focus."""
        from selenium.webdriver.common.keys import Keys

        for _ in range(limit):
            focused = self.driver.execute_script(
                "const e = document.activeElement; return e && e.tagName === 'A' ? e.innerText.trim() : null;"
            )
            if focused == text:
                return True
            page_checks.press(self.driver, Keys.TAB)
        return False

    def type_into(self, label, name, text):
        if not page_checks.tab_to(self.driver, name, limit=80):
            self.check(label, f"tab-to-{name}", False, f"Tab never reaches the field named {name!r}")
        page_checks.press(self.driver, text)

    def press_button(self, label, text):
        from selenium.webdriver.common.keys import Keys

        if not self.tab_to_button(text):
            self.check(label, "tab-to-button", False, f"Tab never reaches the button {text!r}")
        page_checks.submit_and_wait(self.driver, Keys.ENTER)

    def body(self):
        return self.driver.find_element("tag name", "body").text


def sign_out(journey, label):
    from selenium.webdriver.common.keys import Keys

    button = page_checks.sign_out_button(journey.driver)
    journey.check(label, "sign-out", button is not None, "a Sign out button")
    journey.driver.execute_script("arguments[0].focus();", button)
    page_checks.submit_and_wait(journey.driver, Keys.ENTER)


def officer_journey(journey, base, name, password, citizen):
    label = "request_officer"
    driver = journey.driver
    if not page_checks.sign_in_with_keyboard(driver, base, journey, label, name, password, None):
        raise Journey.Failed("sign-in")

    driver.get(base + "/requests")
    journey.page(label, "list")
    journey.type_into(label, "text", "All WhatsApp messages with the resident about the refund.")
    journey.type_into(label, "requester-name", "Sheena Nelson")
    journey.press_button(label, "Open the request")
    path = page_checks.current_path(driver)
    match = re.fullmatch(r"/requests/(PRR-\d{4}-\d+)", path)
    journey.check(label, "open-request", match is not None and "The request was opened." in journey.body(), f"on {path}")
    request = match.group(1)
    journey.page(label, "request")

    journey.type_into(label, "search-citizen", citizen)
    journey.press_button(label, "Run the search")
    journey.check(label, "search", "Search 1 was run and logged" in journey.body(), "search 1 logged")
    journey.page(label, "searched")

    review = driver.find_element("link text", "Review the messages found and their redactions")
    driver.execute_script("arguments[0].focus();", review)
    from selenium.webdriver.common.keys import Keys

    page_checks.submit_and_wait(driver, Keys.ENTER)
    journey.check(label, "review", page_checks.current_path(driver) == f"/requests/{request}/review", "the review page by its link")
    marks = driver.find_elements("css selector", "mark")
    journey.check(label, "suggestion-marked", len(marks) > 0, f"{len(marks)} suggested span(s) marked")
    journey.page(label, "review")

    # The first suggestion's form: keep or choose the exemption with the keyboard, explain, apply.
    select = driver.find_element("css selector", "form.review-form select[name=exemption]")
    chosen = select.get_attribute("value")
    driver.execute_script("arguments[0].focus();", select)
    page_checks.press(driver, Keys.END)
    page_checks.press(driver, Keys.HOME)
    options = [o.get_attribute("value") for o in select.find_elements("tag name", "option")]
    index = options.index(chosen)
    for _ in range(index):
        page_checks.press(driver, Keys.DOWN)
    journey.check(label, "exemption", select.get_attribute("value") == chosen, f"exemption {chosen} chosen with the keyboard")
    page_checks.press(driver, Keys.TAB)
    page_checks.press(driver, "the resident's card number, given to ask for a refund")
    page_checks.press(driver, Keys.TAB)
    page_checks.submit_and_wait(driver, Keys.ENTER)
    journey.check(label, "apply", "The redaction was applied." in journey.body(), "redaction R1 applied")
    journey.page(label, "applied")

    journey.press_button(label, "Approve R1")
    journey.check(label, "approve", "The redaction was approved." in journey.body(), "redaction R1 approved")
    journey.page(label, "approved")

    # Back on the request page: produce installment 1 from search 1, then download its bundle.
    driver.get(base + f"/requests/{request}")
    journey.type_into(label, "installment-summary", "The messages about the refund, the card number redacted.")
    journey.press_button(label, "Produce the installment")
    journey.check(label, "produce", "Installment 1 was produced and logged" in journey.body(), "installment 1 produced")
    journey.page(label, "produced")
    if not journey.tab_to_link("Download installment 1"):
        journey.check(label, "tab-to-download", False, "Tab never reaches the link 'Download installment 1'")
    # A download does not leave the page: Enter starts it; Swift checks the access and the file.
    page_checks.press(driver, Keys.ENTER)
    time.sleep(2)
    journey.check(label, "download", page_checks.current_path(driver) == f"/requests/{request}", "still on the request page")
    sign_out(journey, label)
    return request


def auditor_journey(journey, base, name, password, officer):
    label = "auditor"
    driver = journey.driver
    if not page_checks.sign_in_with_keyboard(driver, base, journey, label, name, password, None):
        raise Journey.Failed("sign-in")
    driver.get(base + "/audit")
    journey.page(label, "audit")
    journey.press_button(label, "Verify now")
    journey.check(label, "verify-started", page_checks.current_path(driver) == "/audit/verification", "on the verification page")
    finished = page_checks.wait_for(driver, lambda: "Passed:" in journey.body() or "Failed:" in journey.body(), seconds=60)
    if not finished:
        driver.refresh()
        finished = "Passed:" in journey.body()
    journey.check(label, "verify", finished and "Passed:" in journey.body(), "the ledger verified: Passed")
    journey.page(label, "verified")

    driver.get(base + "/audit/accesses")
    journey.type_into(label, "user", officer)
    from selenium.webdriver.common.keys import Keys

    page_checks.submit_and_wait(driver, Keys.ENTER)
    rows = driver.find_elements("css selector", "table.accesses tbody tr")
    users = {row.find_elements("tag name", "td")[1].text for row in rows}
    journey.check(label, "accesses", len(rows) > 0 and users == {officer}, f"{len(rows)} access(es), all by {sorted(users)}")
    journey.check(label, "accesses-review", "GET /requests/{id}/review" in journey.body(), "the officer's review is on the record")
    journey.page(label, "accesses")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--officer", required=True)
    parser.add_argument("--auditor", required=True)
    parser.add_argument("--citizen", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    artifacts = pathlib.Path(args.artifacts)
    artifacts.mkdir(parents=True, exist_ok=True)
    try:
        axe_js = browser_support.load_axe()
        driver = browser_support.make_driver()
    except browser_support.BrowserUnavailable as error:
        print(f"FAIL setup: {error}", flush=True)
        print(json.dumps({"ok": False, "failures": [str(error)]}))
        return 1
    journey = Journey(driver, axe_js, artifacts)
    request = None
    try:
        officer, officer_password = args.officer.split(":", 1)
        auditor, auditor_password = args.auditor.split(":", 1)
        request = officer_journey(journey, args.base_url, officer, officer_password, args.citizen)
        auditor_journey(journey, args.base_url, auditor, auditor_password, officer)
    except Journey.Failed:
        pass
    except Exception as error:  # a selenium error: a failure with its text
        journey.failed("journey", page_checks.current_path(driver), "error", f"{type(error).__name__}: {error}")
    finally:
        driver.quit()
    ok = not journey.failures
    print(json.dumps({"ok": ok, "request": request, "failures": journey.failures}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
