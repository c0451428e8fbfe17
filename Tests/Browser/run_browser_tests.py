#!/usr/bin/env python3
"""Walks Recordkeeper's web pages in headless Chromium and checks what a person relies on.

Usage:
  run_browser_tests.py --base-url http://127.0.0.1:8080 --accounts accounts.json
                       [--page /inbox ...] [--artifacts DIR] [--max-pages N] [--json]

accounts.json is a JSON list of {"label": "agent", "name": "…", "password": "…", "totp_secret": "…"}
(totp_secret: the enrolment secret, or its otpauth:// URL as `recordkeeper users enroll-totp` prints it,
from which the current code is computed as an authenticator app does; leave it out for an account
without a second factor).

The sign-in page is checked first, signed out. Then, for each account: sign-in with the keyboard
only (Tab to each field, type, Enter), every page given with --page and every same-site page
linked from the pages visited (up to --max-pages), and the sign-out journey (the Back button and
reloading a page after sign-out land on /signin). For each page:

  load      the page answers 200 and stays on its address (no redirect to /signin)
  axe       axe-core's WCAG 2.1 A/AA rules report no violation (id, impact, help, targets printed)
  console   no SEVERE browser console message (a missing favicon, a blocked script, a 404 asset)
  screenshot  a PNG in the artifacts directory (default <repo>/.build/browser-artifacts)
  reflow-360  in a 360 px wide window the document does not scroll sideways
  zoom-200    at 200% zoom (a 1280 px window's 640 CSS px) the document does not scroll sideways
  keyboard  Tab from the top reaches every link, button and field of <main> in document order,
            and every element that takes focus shows it (computed outline or box-shadow)

A page that answers 404 is reported as SKIP (not built yet), one that answers 403 as SKIP (not for
this role: the access matrix is tested elsewhere); neither is a pass.

One line per check on standard output (standard error with --json, which prints the summary as a
JSON document on standard output). Exit 0: no check failed; 1: a check failed; 2: could not run.
"""

import argparse
import base64
import hashlib
import hmac
import json
import pathlib
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import browser_support  # noqa: E402
import page_checks  # noqa: E402

DEFAULT_PAGES = ["/", "/inbox", "/account"]


class Report:
    """Collects one result per check and prints it as it comes."""

    def __init__(self, stream):
        self.results = []
        self.stream = stream

    def add(self, status: str, account: str, page: str, check: str, detail: str = "") -> bool:
        self.results.append({"status": status, "account": account, "page": page, "check": check, "detail": detail})
        print(f"{status.upper():4} {account} {page} {check}" + (f": {detail}" if detail else ""), file=self.stream, flush=True)
        return status != "fail"

    def passed(self, account, page, check, detail=""):
        return self.add("pass", account, page, check, detail)

    def failed(self, account, page, check, detail):
        return self.add("fail", account, page, check, detail)

    def skipped(self, account, page, check, detail):
        return self.add("skip", account, page, check, detail)

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result["status"] == status)


class TOTPClock:
    """Current RFC 6238 codes (HMAC-SHA1, 30 s, 6 digits, the secret's UTF-8 bytes as the key), never
    the same step twice for one account: the service refuses a code already used, and accepts the
    step after the current one (clock drift), so two sign-ins in one step need no wait."""

    def __init__(self):
        self.last_step = {}

    @staticmethod
    def key(secret: str) -> bytes:
        """The HMAC key: the enrolment secret's bytes, or those an otpauth:// URL carries in base32."""
        if secret.startswith("otpauth://"):
            encoded = urllib.parse.parse_qs(urllib.parse.urlsplit(secret).query)["secret"][0]
            return base64.b32decode(encoded + "=" * (-len(encoded) % 8))
        return secret.encode("utf-8")

    @classmethod
    def code(cls, secret: str, step: int) -> str:
        mac = hmac.new(cls.key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
        offset = mac[-1] & 0x0F
        value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
        return f"{value % 1_000_000:06d}"

    def next_code(self, name: str, secret: str) -> str:
        while True:
            now = int(time.time()) // 30
            step = max(now, self.last_step.get(name, now - 1) + 1)
            if step <= now + 1:
                self.last_step[name] = step
                return self.code(secret, step)
            time.sleep(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def probe(url: str, cookies: dict) -> tuple:
    """GET without following redirects: (status, Location)."""
    request = urllib.request.Request(url, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


def slug(label: str, path: str) -> str:
    name = "".join(c if c.isalnum() else "-" for c in path.strip("/")).strip("-") or "home"
    return f"{label}-{name}"[:120]


class Runner:
    def __init__(self, args, report: Report):
        self.base = args.base_url.rstrip("/")
        self.args = args
        self.report = report
        self.totp = TOTPClock()
        self.axe_js = browser_support.load_axe()
        self.driver = browser_support.make_driver()
        self.artifacts = args.artifacts
        self.artifacts.mkdir(parents=True, exist_ok=True)
        # Most specific first: a literal route before a parameter's (/retention/lists before /retention/{x}).
        self.routes = sorted(
            ((template, re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)))) for template in (args.route or [])),
            key=lambda item: item[0].count("{"),
        )

    def path(self) -> str:
        return urllib.parse.urlsplit(self.driver.current_url).path

    def route_of(self, path: str):
        """The --route template `path` (its query left out) is an address of; None for none."""
        bare = urllib.parse.urlsplit(path).path
        for template, pattern in self.routes:
            if pattern.fullmatch(bare):
                return template
        return None

    def cookies(self) -> dict:
        return {cookie["name"]: cookie["value"] for cookie in self.driver.get_cookies()}

    def check_page(self, label: str, path: str) -> list:
        """Every check of one page; returns the same-site links it holds."""
        driver, report = self.driver, self.report
        driver.get(self.base + path)
        wanted = urllib.parse.urlsplit(self.base + path).path
        if self.path() != wanted:
            report.failed(label, path, "load", f"the page went to {driver.current_url} instead")
            return []
        title = driver.title.strip()
        if not title:
            report.failed(label, path, "load", "the page has no <title>")
        else:
            report.passed(label, path, "load", f"title {title!r}")
        page_checks.check_axe(driver, self.axe_js, report, label, path)
        page_checks.check_console(driver, report, label, path)
        shot = self.artifacts / f"{slug(label, path)}.png"
        driver.save_screenshot(str(shot))
        report.passed(label, path, "screenshot", str(shot))
        links = page_checks.same_site_links(driver, self.base)
        page_checks.check_reflow(driver, report, label, path, self.artifacts / f"{slug(label, path)}-360.png")
        driver.get(self.base + path)
        page_checks.check_keyboard(driver, report, label, path)
        # The reflow and keyboard checks reload the page: anything they made the console say.
        page_checks.check_console(driver, report, label, path, check="console-after")
        return links

    def sign_in(self, account: dict) -> bool:
        """The keyboard-only sign-in journey: Tab to each field, type, press Enter."""
        label = account["label"]
        ok = page_checks.sign_in_with_keyboard(
            self.driver,
            self.base,
            self.report,
            label,
            account["name"],
            account["password"],
            (lambda: self.totp.next_code(account["name"], account["totp_secret"])) if account.get("totp_secret") else None,
        )
        return ok

    def guarded(self, label: str, path: str, step, *args):
        """Runs one page's checks or a journey; an unexpected browser error fails that step, not the run."""
        try:
            return step(*args)
        except Exception as error:  # noqa: BLE001 — reported as the step's failure, with its type
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            self.report.failed(label, path, "error", f"{type(error).__name__}: {first_line}")
            return None

    def walk(self, account: dict) -> None:
        label = account["label"]
        if not self.guarded(label, "/signin", self.sign_in, account):
            return
        queue = list(self.args.page)
        seen = set()
        visited = []
        covered = set()
        while queue and len(visited) < self.args.max_pages:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            # One address per page route (--route): another conversation, or the same list with
            # another filter, is the same page with other data.
            route = self.route_of(path)
            if route is not None:
                if route in covered:
                    continue
                covered.add(route)
            status, location = probe(self.base + path, self.cookies())
            if status == 404:
                self.report.skipped(label, path, "page", "GET answers 404: the page is not built yet")
                continue
            if status == 403:
                self.report.skipped(label, path, "page", "GET answers 403: not a page of this role")
                continue
            if status != 200:
                self.report.failed(label, path, "load", f"GET answers {status}" + (f" (Location: {location})" if location else ""))
                continue
            visited.append(path)
            for link in self.guarded(label, path, self.check_page, label, path) or []:
                if link not in seen and link not in queue:
                    queue.append(link)
        if queue:
            self.report.skipped(label, ",".join(queue[:5]), "page", f"{len(queue)} linked pages left unvisited (--max-pages {self.args.max_pages})")
        last = visited[-1] if visited else "/"
        self.guarded(label, last, page_checks.sign_out_journey, self.driver, self.base, self.report, label, last)

    def run(self, accounts: list) -> None:
        try:
            status, _ = probe(self.base + "/signin", {})
            if status == 404:
                self.report.skipped("anonymous", "/signin", "page", "GET /signin answers 404: the web application is not built yet")
                return
            if status != 200:
                self.report.failed("anonymous", "/signin", "load", f"GET /signin answers {status}")
                return
            self.guarded("anonymous", "/signin", self.check_page, "anonymous", "/signin")
            for account in accounts:
                self.driver.delete_all_cookies()
                self.walk(account)
        finally:
            self.driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="the service, e.g. http://127.0.0.1:8080")
    parser.add_argument("--accounts", required=True, type=pathlib.Path, help="a JSON file listing the accounts to sign in as")
    parser.add_argument("--page", action="append", help=f"a page to check (repeat; default {' '.join(DEFAULT_PAGES)})")
    parser.add_argument("--artifacts", type=pathlib.Path, default=REPO_ROOT / ".build" / "browser-artifacts", help="where screenshots go")
    parser.add_argument("--max-pages", type=int, default=40, help="pages checked per account, linked pages included (default 40)")
    parser.add_argument(
        "--route", action="append", help="a page route such as /conversations/{id} (repeat): one address of each route is checked per account"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary on standard output (the check lines go to standard error)")
    args = parser.parse_args()
    args.page = args.page or DEFAULT_PAGES
    report = Report(sys.stderr if args.json else sys.stdout)
    try:
        accounts = json.loads(args.accounts.read_text())
        for account in accounts:
            for key in ("label", "name", "password"):
                if not account.get(key):
                    raise ValueError(f"an account in {args.accounts} has no {key!r}")
    except (OSError, ValueError) as error:
        print(f"run_browser_tests: cannot read the accounts: {error}", file=sys.stderr)
        return 2
    try:
        runner = Runner(args, report)
    except browser_support.BrowserUnavailable as error:
        print(f"run_browser_tests: {error}", file=sys.stderr)
        return 2
    runner.run(accounts)
    summary = {
        "ok": report.count("fail") == 0,
        "base_url": args.base_url,
        "artifacts": str(args.artifacts),
        "passed": report.count("pass"),
        "failed": report.count("fail"),
        "skipped": report.count("skip"),
        "checks": report.results,
    }
    print(
        f"{summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped; screenshots in {args.artifacts}",
        file=report.stream,
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
