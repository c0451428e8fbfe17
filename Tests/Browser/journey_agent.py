"""The agent's and the supervisor's job in Chromium, with the keyboard (issue 16, items 2 and 3).

An agent signs in with the keyboard, follows "Inbox", tabs to the first conversation, types a reply
and sends it with Enter on "Send reply"; the page must come back with its confirmation and the reply
on the timeline. A supervisor then signs in, opens "Routing", adds a rule with the keyboard and must
see it listed. axe-core (WCAG 2.1 A/AA) runs on every page passed through; screenshots go to
--artifacts. The Swift side (BrowserAgentJourneyTests) checks that the reply reached the fake Graph
API and that the rule is in force.

One PASS or FAIL line per step on standard output. Exit 0: every step passed; 1: a step failed;
2: could not run (no browser, bad arguments).
"""

import argparse
import json
import pathlib
import sys

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import browser_support  # noqa: E402
import page_checks  # noqa: E402
from run_browser_tests import Report, TOTPClock  # noqa: E402

# Presses Tab until the focused element's text (or value) starts with `text`.
FOCUSED_TEXT = "const e = document.activeElement; return e ? (e.innerText || e.value || '').trim() : '';"


FOCUSED_HREF = "const e = document.activeElement; return e ? (e.getAttribute('href') || '') : '';"


def tab_to_text(driver, text, limit=80, href=None):
    """Presses Tab until the focused element's text starts with `text` (or its href with `href`)."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        if href is not None and driver.execute_script(FOCUSED_HREF).startswith(href):
            return True
        if href is None and driver.execute_script(FOCUSED_TEXT).startswith(text):
            return True
        page_checks.press(driver, Keys.TAB)
    return False


class Journey:
    def __init__(self, args, report):
        self.args = args
        self.report = report
        self.base = args.base_url.rstrip("/")
        self.axe = browser_support.load_axe()
        self.totp = TOTPClock()
        self.artifacts = pathlib.Path(args.artifacts)
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.driver = browser_support.make_driver()

    def look(self, label, step):
        """axe and a screenshot of the current page."""
        path = page_checks.current_path(self.driver)
        self.driver.save_screenshot(str(self.artifacts / f"{label}-{step}.png"))
        page_checks.check_axe(self.driver, self.axe, self.report, label, path)

    def sign_in(self, account):
        label = account["label"]
        self.driver.delete_all_cookies()
        return page_checks.sign_in_with_keyboard(
            self.driver, self.base, self.report, label, account["name"], account["password"],
            lambda: self.totp.next_code(account["name"], account["totp_secret"]),
        )

    def follow(self, label, text, step, href=None):
        """Tabs to the link or button whose text starts with `text` (or whose href starts with `href`) and presses Enter."""
        from selenium.webdriver.common.keys import Keys

        if not tab_to_text(self.driver, text, href=href):
            return self.report.failed(label, page_checks.current_path(self.driver), step, f"Tab never reaches {text!r}")
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        return True

    def agent(self, account):
        from selenium.webdriver.common.keys import Keys

        label = account["label"]
        if not self.sign_in(account):
            return
        if not self.follow(label, "Inbox", "open-inbox"):
            return
        if page_checks.current_path(self.driver) != "/inbox":
            return self.report.failed(label, page_checks.current_path(self.driver), "open-inbox", "Enter on \"Inbox\" did not open /inbox")
        self.report.passed(label, "/inbox", "open-inbox", "followed the Inbox link with the keyboard")
        self.look(label, "inbox")
        if not self.follow(label, "a conversation", "open-conversation", href="/conversations/"):
            return
        path = page_checks.current_path(self.driver)
        if not path.startswith("/conversations/"):
            return self.report.failed(label, path, "open-conversation", "Enter on the row's link did not open a conversation")
        self.report.passed(label, "/conversations/{id}", "open-conversation", "tabbed to the first conversation and pressed Enter")
        self.look(label, "conversation")
        if not page_checks.tab_to(self.driver, "text"):
            return self.report.failed(label, path, "type-reply", "Tab never reaches the reply field")
        page_checks.press(self.driver, self.args.reply)
        page_checks.press(self.driver, Keys.TAB)
        if self.driver.execute_script(FOCUSED_TEXT) != "Send reply":
            return self.report.failed(label, path, "send-reply", "Tab after the reply field does not reach \"Send reply\"")
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        body = self.driver.find_element("tag name", "main").text
        if "Your message is recorded" not in body:
            return self.report.failed(label, path, "send-reply", f"no confirmation after sending: {page_checks.page_error(self.driver) or 'none shown'}")
        if not page_checks.wait_for(self.driver, lambda: self.args.reply in self.driver.find_element("tag name", "main").text, seconds=45):
            return self.report.failed(label, path, "send-reply", "the reply did not appear on the timeline within 45 s (polling every 5 s)")
        self.report.passed(label, "/conversations/{id}", "send-reply", "typed the reply, Tab to \"Send reply\", Enter: confirmed and on the timeline")
        self.look(label, "replied")

    def supervisor(self, account):
        from selenium.webdriver.common.keys import Keys

        label = account["label"]
        if not self.sign_in(account):
            return
        if not self.follow(label, "Routing", "open-routing"):
            return
        path = page_checks.current_path(self.driver)
        if path != "/routing":
            return self.report.failed(label, path, "open-routing", "Enter on \"Routing\" did not open /routing")
        self.report.passed(label, "/routing", "open-routing", "followed the Routing link with the keyboard")
        self.look(label, "routing")
        for field, text in (("id", "journey-roads"), ("team", "roads"), ("keywords", "pothole")):
            if not page_checks.tab_to(self.driver, field):
                return self.report.failed(label, path, "add-rule", f"Tab never reaches the field named {field!r}")
            page_checks.press(self.driver, text)
        page_checks.submit_and_wait(self.driver, Keys.ENTER)
        if "The rule is added" not in self.driver.find_element("tag name", "main").text:
            return self.report.failed(label, path, "add-rule", f"no confirmation after Enter: {page_checks.page_error(self.driver) or 'none shown'}")

        def listed():
            rows = self.driver.execute_script("return Array.from(document.querySelectorAll('tbody th[scope=row]'), e => e.innerText.trim());")
            if "journey-roads" in rows:
                return True
            # The list is read from a projection that may lag a moment behind the ledger: reload.
            self.driver.refresh()
            return False

        if not page_checks.wait_for(self.driver, listed, seconds=20):
            rows = self.driver.execute_script("return Array.from(document.querySelectorAll('tbody th[scope=row]'), e => e.innerText.trim());")
            return self.report.failed(label, path, "add-rule", f"the rule is not listed after Enter: {page_checks.page_error(self.driver) or rows}")
        self.report.passed(label, "/routing", "add-rule", "typed the rule's name, team and keyword, Enter: listed")
        self.look(label, "rule-added")

    def run(self, accounts):
        try:
            for account in accounts:
                if account["label"] == "agent":
                    self.agent(account)
                elif account["label"] == "supervisor":
                    self.supervisor(account)
        finally:
            self.driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--accounts", required=True, help="JSON: [{label, name, password, totp_secret}], labels agent and supervisor")
    parser.add_argument("--artifacts", required=True, help="directory for the screenshots")
    parser.add_argument("--reply", default="Thank you, we are on it.", help="the reply the agent types")
    args = parser.parse_args()
    report = Report(sys.stdout)
    try:
        journey = Journey(args, report)
    except browser_support.BrowserUnavailable as error:
        print(f"FAIL could not start the browser: {error}", flush=True)
        return 2
    journey.run(json.loads(pathlib.Path(args.accounts).read_text()))
    return 1 if report.count("fail") else 0


if __name__ == "__main__":
    sys.exit(main())
