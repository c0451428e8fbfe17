"""What the project's browser checks share: headless Debian Chromium through selenium, and axe-core.

Used by scripts/check-certificate-a11y.py (printable certificates) and Tests/Browser/run_browser_tests.py
(the web application's pages). Needs Debian's `chromium` and `chromium-driver` (scripts/setup.sh
installs them) and, from PyPI, `selenium` and `selenium-axe-python` (scripts/browser-venv.sh), whose
bundled axe-core 4.x is the one run here.
"""

import pathlib

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The WCAG 2.0 and 2.1 level A and AA rules of axe-core.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class BrowserUnavailable(Exception):
    """selenium, selenium-axe-python or Chromium is missing: the checks cannot run."""


def load_axe() -> str:
    """The text of axe.min.js as shipped inside selenium-axe-python."""
    try:
        import selenium_axe_python
    except ImportError as error:
        raise BrowserUnavailable(f"{error}: pip install selenium selenium-axe-python (scripts/browser-venv.sh)") from error
    return (pathlib.Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text()


def make_driver(width: int = 1280, height: int = 900, performance_log: bool = False):
    """Starts headless Chromium (flags that work as root in a container) with its console log kept."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        raise BrowserUnavailable(f"{error}: pip install selenium selenium-axe-python (scripts/browser-venv.sh)") from error
    for program in (CHROMIUM, CHROMEDRIVER):
        if not pathlib.Path(program).exists():
            raise BrowserUnavailable(f"{program} not found: apt-get install chromium chromium-driver (scripts/setup.sh does)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(flag)
    logs = {"browser": "ALL"}
    if performance_log:
        logs["performance"] = "ALL"
    options.set_capability("goog:loggingPrefs", logs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # A first axe run on a large page takes seconds; the default script timeout is shorter.
    driver.set_script_timeout(90)
    return driver


def run_axe(driver, axe_js: str) -> dict:
    """Runs axe-core's WCAG 2.1 A/AA rules on the current page; returns axe's result (or {"error": …})."""
    driver.execute_script(axe_js)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations, passes: r.passes.length})).catch(e => done({error: String(e)}));",
        WCAG_TAGS,
    )


def describe_violation(violation: dict, limit: int = 5) -> str:
    """One line: the rule id, its impact, its help text and the first target selectors."""
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:limit])
    more = len(violation["nodes"]) - limit
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}" + (f" and {more} more" if more > 0 else "")


def severe_console_messages(driver, ignore=()) -> list:
    """The SEVERE browser console messages since the last call (the log is drained by reading it)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and not any(text in entry["message"] for text in ignore)
    ]
