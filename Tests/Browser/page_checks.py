"""The checks run_browser_tests.py makes on one page, and its sign-in and sign-out journeys.

Each check reports through `report` (pass, fail or skip with a detail a person can act on).
"""

import time
import urllib.parse

import browser_support

# What takes keyboard focus; the script below drops hidden, disabled and tabindex=-1 elements.
FOCUSABLE = "a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable='true']"

# Marks every focusable element with data-rk-tab (document order) and returns, for each, whether it
# is inside <main> and how to name it. Radio buttons of one group take one Tab stop: the checked one
# (or the first).
MARK_FOCUSABLE = """
const main = document.querySelector('main');
const radios = new Set();
const result = [];
let index = 0;
for (const el of document.querySelectorAll(arguments[0])) {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  if (el.disabled || el.tabIndex < 0 || (el.tagName === 'INPUT' && el.type === 'hidden')) continue;
  if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden], [inert]')) continue;
  if (el.tagName === 'INPUT' && el.type === 'radio') {
    const group = el.form ? el.form.elements.namedItem(el.name) : null;
    if (radios.has(el.name)) continue;
    const checked = group && group.length ? Array.from(group).find(r => r.checked) : null;
    if (checked && checked !== el) continue;
    radios.add(el.name);
  }
  el.setAttribute('data-rk-tab', String(index));
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim().slice(0, 40);
  result.push({index: index, inMain: !!(main && main.contains(el)), zeroSize: box.width === 0 && box.height === 0,
               name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (name ? ' "' + name + '"' : '')});
  index += 1;
}
return result;
"""

# The focused element: its mark and whether its focus can be seen.
FOCUSED = """
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) return null;
const style = getComputedStyle(el);
const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
const shadow = style.boxShadow && style.boxShadow !== 'none';
const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim().slice(0, 40);
return {mark: el.getAttribute('data-rk-tab'), visible: outline || !!shadow,
        name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (name ? ' "' + name + '"' : '')};
"""

OVERFLOW = "return [document.documentElement.scrollWidth, window.innerWidth];"


def check_axe(driver, axe_js, report, label, path):
    result = browser_support.run_axe(driver, axe_js)
    if "error" in result:
        return report.failed(label, path, "axe", f"axe-core did not run: {result['error']}")
    if result["violations"]:
        return report.failed(label, path, "axe", "; ".join(browser_support.describe_violation(v) for v in result["violations"]))
    return report.passed(label, path, "axe", f"no violation ({result['passes']} rules passed)")


def check_console(driver, report, label, path, check="console"):
    messages = browser_support.severe_console_messages(driver)
    if messages:
        return report.failed(label, path, check, " | ".join(messages))
    return report.passed(label, path, check, "no SEVERE console message")


# Links to files rather than pages (a user name such as `jo.lee` is a page).
FILE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "svg", "ico", "css", "js", "pdf", "csv", "json", "jsonl", "txt", "zst", "tar", "html", "xml"}


def same_site_links(driver, base):
    """The same-site pages the current page links to (no static files, no fragments, no downloads)."""
    hrefs = driver.execute_script("return Array.from(document.querySelectorAll('a[href]:not([download])'), a => a.href);")
    origin = urllib.parse.urlsplit(base)
    links = []
    for href in hrefs:
        parts = urllib.parse.urlsplit(href)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        last = parts.path.rsplit("/", 1)[-1]
        if parts.path.startswith("/static/") or parts.path.startswith("/v1/") or last.rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS:
            continue
        link = parts.path + (f"?{parts.query}" if parts.query else "")
        if link not in links:
            links.append(link)
    return links


def check_reflow(driver, report, label, path, screenshot):
    """WCAG 1.4.10: a 360 px wide window, and 200% zoom of a 1280×900 window (640×450 CSS px at
    two device pixels each, what the browser's zoom does to layout), scroll only vertically."""
    for check, width, height, scale in (("reflow-360", 360, 800, 1), ("zoom-200", 640, 450, 2)):
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False}
        )
        try:
            time.sleep(0.2)
            scroll_width, inner_width = driver.execute_script(OVERFLOW)
            if check == "reflow-360":
                driver.save_screenshot(str(screenshot))
            if scroll_width > inner_width:
                widest = driver.execute_script(
                    "const w = innerWidth; return Array.from(document.querySelectorAll('body *'))"
                    ".filter(e => e.getBoundingClientRect().right > w + 1).slice(-3)"
                    ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));"
                )
                report.failed(
                    label, path, check, f"the document is {scroll_width} px wide in a {inner_width} px window; too wide: {', '.join(widest)}"
                )
            else:
                report.passed(label, path, check, f"{scroll_width} px in {inner_width} px")
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def press(driver, *keys):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def check_keyboard(driver, report, label, path):
    """Tab from the top of a freshly loaded page through to the end."""
    from selenium.webdriver.common.keys import Keys

    elements = driver.execute_script(MARK_FOCUSABLE, FOCUSABLE)
    expected = [str(e["index"]) for e in elements if e["inMain"] and not e["zeroSize"]]
    names = {str(e["index"]): e["name"] for e in elements}
    reached, unseen_focus = [], []
    for _ in range(len(elements) + 10):
        press(driver, Keys.TAB)
        focused = driver.execute_script(FOCUSED)
        if focused is None:
            break
        mark = focused["mark"]
        if mark is not None and mark in reached:
            break
        if mark is None:
            # Focus landed on something not counted as focusable: name it, it still must show focus.
            mark = "?" + focused["name"]
            names[mark] = focused["name"]
        reached.append(mark)
        if not focused["visible"]:
            unseen_focus.append(focused["name"])
    in_main = [m for m in reached if m in expected]
    problems = []
    missing = [names[m] for m in expected if m not in reached]
    if missing:
        problems.append("never reached with Tab: " + ", ".join(missing))
    elif in_main != expected:
        problems.append("Tab order differs from the page's order: " + " → ".join(names[m] for m in in_main))
    if unseen_focus:
        problems.append("focus not visible (outline and box-shadow none) on: " + ", ".join(unseen_focus))
    if problems:
        return report.failed(label, path, "keyboard", "; ".join(problems))
    return report.passed(label, path, "keyboard", f"{len(reached)} Tab stops, {len(expected)} in <main>, focus visible on each")


def tab_to(driver, name, limit=40):
    """Presses Tab until the field named `name` has focus; False when it never does."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        if driver.execute_script("return document.activeElement && document.activeElement.name;") == name:
            return True
        press(driver, Keys.TAB)
    return False


def wait_for(driver, condition, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def current_path(driver):
    return urllib.parse.urlsplit(driver.current_url).path


def page_error(driver):
    """The text of the page's error summary or alerts, for a failure's detail."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('[role=alert], .error, .errors, [aria-live]'), e => e.innerText.trim())"
        ".filter(t => t).join(' | ');"
    )


def submit_and_wait(driver, key):
    """Presses `key` and waits for the next page to load."""
    before = driver.find_element("tag name", "html")
    press(driver, key)
    wait_for(driver, lambda: is_stale(before))
    wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", seconds=5)


def sign_in_with_keyboard(driver, base, report, label, name, password, totp):
    """Signs in on /signin with the keyboard only; the form may ask for the code on a second step."""
    from selenium.webdriver.common.keys import Keys

    driver.get(base + "/signin")
    for field, text in (("name", name), ("password", password)):
        if not tab_to(driver, field):
            return report.failed(label, "/signin", "keyboard-sign-in", f"Tab never reaches the field named {field!r}")
        press(driver, text)
    has_totp = driver.execute_script("return !!document.querySelector('input[name=totp]');")
    if has_totp and totp:
        if not tab_to(driver, "totp"):
            return report.failed(label, "/signin", "keyboard-sign-in", "Tab never reaches the field named 'totp'")
        press(driver, totp())
    submit_and_wait(driver, Keys.ENTER)
    if current_path(driver) == "/signin" and totp and not has_totp and tab_to(driver, "totp"):
        # A second step asking for the code.
        press(driver, totp())
        submit_and_wait(driver, Keys.ENTER)
    if current_path(driver) == "/signin":
        return report.failed(label, "/signin", "keyboard-sign-in", f"still on /signin after Enter: {page_error(driver) or 'no error shown'}")
    if not sign_out_button(driver):
        return report.failed(label, "/signin", "keyboard-sign-in", f"signed in to {current_path(driver)} but it has no \"Sign out\" button")
    return report.passed(label, "/signin", "keyboard-sign-in", f"typed name, password{' and code' if totp else ''}, Enter: on {current_path(driver)}")


def is_stale(element):
    """Whether the page `element` belongs to has been replaced."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        # Chromium may answer mid-navigation that the node left the document: replaced too.
        return "does not belong to the document" in str(error)


def sign_out_button(driver):
    from selenium.webdriver.common.by import By

    found = driver.find_elements(
        By.XPATH, "//button[normalize-space()='Sign out'] | //input[(@type='submit' or @type='button') and @value='Sign out']"
    )
    return found[0] if found else None


def sign_out_journey(driver, base, report, label, page):
    """Signs out from `page` with the keyboard, then Back, reload and a fresh visit must show /signin."""
    from selenium.webdriver.common.keys import Keys

    driver.get(base + page)
    button = sign_out_button(driver)
    if button is None:
        return report.failed(label, page, "sign-out", "no \"Sign out\" button on the page")
    driver.execute_script("arguments[0].focus();", button)
    before = driver.find_element("tag name", "html")
    press(driver, Keys.ENTER)
    if not wait_for(driver, lambda: is_stale(before)):
        return report.failed(label, page, "sign-out", "pressing Enter on \"Sign out\" did not leave the page")
    wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", seconds=5)
    if sign_out_button(driver) is not None:
        return report.failed(label, page, "sign-out", f"still signed in on {current_path(driver)} after \"Sign out\"")
    report.passed(label, page, "sign-out", f"on {current_path(driver)}")
    for check, action in (
        ("back-after-sign-out", driver.back),
        ("reload-after-sign-out", driver.refresh),
        ("visit-after-sign-out", lambda: driver.get(base + page)),
    ):
        action()
        wait_for(driver, lambda: current_path(driver) == "/signin", seconds=5)
        if current_path(driver) != "/signin" or sign_out_button(driver) is not None:
            report.failed(label, page, check, f"shows {driver.current_url} instead of /signin")
        else:
            report.passed(label, page, check, "lands on /signin")
    return True
