"""Browser tests: Playwright for Python driving Debian's Chromium against Django's live server.

Chromium is never downloaded (no ``playwright install``): the tests use /usr/bin/chromium
(``apt-get install chromium``) and are skipped with a reason when it is missing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def verified(user):
    """``user`` with a verified primary address, as allauth asks before signing in."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def fill_sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Type the address and password into the sign-in form on screen and send it."""
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Open the sign-in page and sign in (the page that follows is the test's to check)."""
    page.goto("/accounts/login/")
    fill_sign_in(page, email, password)


def sign_in_home(page, email: str) -> None:
    """Sign in and wait for the home page's greeting."""
    from playwright.sync_api import expect  # noqa: PLC0415 -- optional: absent, the tests are skipped

    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour "))


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed: pip install -e '.[dev]'"
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code itself talks to
    # the database synchronously, which Django allows only with this switch.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _watched_page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    return page


@pytest.fixture
def phone(browser, live_server, page_audit):
    """A page in a phone-sized, touch-enabled context (a juror scoring, a roll call taken in
    the room, a coordinator between two rooms), audited like ``page``."""
    cache.clear()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
    )
    context.set_default_timeout(10_000)
    page = _watched_page(context)
    yield page
    page_audit.capture(page)
    context.close()
    cache.clear()


@pytest.fixture
def page(browser, live_server, page_audit):
    cache.clear()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    context.set_default_timeout(10_000)
    page = _watched_page(context)
    yield page
    page_audit.capture(page)
    context.close()
    cache.clear()


# --- Every page a browser test visits is checked for sideways overflow and by axe-core -------
#
# Each page's DOM is captured at every ``load`` event (and when the ``page`` fixture ends), in
# every browser context a test opens. At teardown, each distinct capture is replayed in a fresh
# context — the captured DOM served at its own address, its scripts removed (what they did is
# already in the DOM), the site's own stylesheets and images loaded from the live server — and
# must not scroll sideways at 1280 px nor at 390 px, must have no status badge below 4.5:1, and
# no WCAG 2.1 A/AA violation nor duplicate landmark according to axe-core. A test can capture a
# state reached by clicking (an open menu) with ``page_audit.capture(page)``; a test that has a
# reason to skip the audit can mark itself ``@pytest.mark.no_page_audit``.

AUDIT_VIEWPORTS = {
    "1280 px": {"width": 1280, "height": 900},
    "390 px": {"width": 390, "height": 844},
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best-practice rules about landmarks, checked as well: a screen reader lists the landmarks.
AXE_RULES = [
    "landmark-unique",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
]
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]*')
_OVERFLOW = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    // What sticks out: elements past the right edge that no scrolling box clips (an absolutely
    // positioned one escapes a scrolling box that is not its containing block).
    const clipped = e => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== "visible") return true;
        }
        return false;
    };
    const wide = [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1
                     && (["absolute", "fixed"].includes(getComputedStyle(e).position) || !clipped(e)))
        .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                  + (e.className && typeof e.className === "string"
                     ? "." + e.className.trim().split(/\\s+/).join(".") : "")
                  + " «" + (e.textContent || "").trim().slice(0, 30) + "»");
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(0, 8)};
}"""
# axe leaves the contrast of text on a transparent background "to review": a badge is white
# text on its own colour, so a badge whose stylesheet is missing is white on white. Each badge's
# text is measured against the first background behind it.
_BADGES = """() => {
    const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = e => {
        for (; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll(".badge, .status-badge")]
        .filter(e => e.offsetParent !== null && e.textContent.trim())
        .map(e => {
            const a = lum(rgb(getComputedStyle(e).color).slice(0, 3)), b = lum(background(e));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            return {text: e.textContent.trim().slice(0, 40), cls: e.className, ratio: Math.round(ratio * 100) / 100};
        })
        .filter(r => r.ratio < 4.5);
}"""
_AXE_RUN = """([tags, rules]) => axe.run(document, {runOnly: {type: "tag", values: tags},
        rules: Object.fromEntries(rules.map(r => [r, {enabled: true}])), resultTypes: ["violations"]})
    .then(r => r.violations.map(v => ({id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + "  " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))})))"""


AXE_FILE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core from npm (vendor/README.md)
# Every page audited in the run and its violations per viewport: printed as one table at the end.
AUDITED: dict[str, dict[str, int]] = {}


def _axe_source() -> str:
    return AXE_FILE.read_text()


class PageAudit:
    def __init__(self, origin: str):
        self.origin = origin
        self.captures: dict[tuple[str, str], str] = {}

    def watch_context(self, context) -> None:
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)

    def watch_page(self, page) -> None:
        page.on("load", self.capture)

    def capture(self, page) -> None:
        from playwright.sync_api import Error

        url = page.url
        if not url.startswith(self.origin):
            return
        try:
            if page.evaluate("document.contentType") != "text/html":
                return
            html = page.content()
        except Error:  # navigated away meanwhile: the next page's load is captured
            return
        key = (url.split("#")[0], _TOKEN.sub(r"\1", html))
        self.captures.setdefault(key, html)

    def problems(self, browser) -> list[str]:
        if not self.captures:
            return []
        problems: list[str] = []
        axe = _axe_source()
        context = browser.new_context(bypass_csp=True, locale="fr-FR")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            document: dict[str, str] = {}

            def route(request_route):
                request = request_route.request
                if request.resource_type == "document" and request.url in document:
                    request_route.fulfill(
                        status=200,
                        content_type="text/html; charset=utf-8",
                        body=document[request.url],
                    )
                elif "/static/" in request.url or "/media/" in request.url:
                    request_route.continue_()
                else:
                    request_route.abort()

            page.route("**/*", route)
            for (url, _key), html in self.captures.items():
                document.clear()
                document[url] = _SCRIPT.sub("", html)
                for name, viewport in AUDIT_VIEWPORTS.items():
                    page.set_viewport_size(viewport)
                    page.goto(url, wait_until="load")
                    overflow = page.evaluate(_OVERFLOW)
                    if overflow:
                        problems.append(f"{url} scrolls sideways at {name}: {overflow}")
                    for badge in page.evaluate(_BADGES):
                        problem = f"{url}: badge unreadable ({badge['ratio']}:1): {badge}"
                        if problem not in problems:
                            problems.append(problem)
                    page.evaluate(axe)
                    violations = page.evaluate(_AXE_RUN, [AXE_TAGS, AXE_RULES])
                    seen = AUDITED.setdefault(url.removeprefix(self.origin), {})
                    seen[name] = max(seen.get(name, 0), len(violations))
                    for violation in violations:
                        problem = (
                            f"{url} at {name}: axe {violation['id']} ({violation['help']}): "
                            + "; ".join(violation["nodes"])
                        )
                        if problem not in problems:
                            problems.append(problem)
        finally:
            context.close()
        return problems


@pytest.fixture(autouse=True)
def page_audit(request, browser, live_server):
    """Watches every context the test opens (``browser.new_context``) and audits its pages."""
    audit = PageAudit(live_server.url)
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        audit.watch_context(context)
        return context

    browser.new_context = watched_new_context
    try:
        yield audit
    finally:
        browser.new_context = new_context
    if request.node.get_closest_marker("no_page_audit"):
        return
    outcome = getattr(request.node, "rep_call", None)
    if outcome is not None and outcome.failed:
        return  # the test's own failure says enough
    problems = audit.problems(browser)
    if problems:
        pytest.fail(
            f"{len(problems)} layout or accessibility problem(s) on the pages visited:\n"
            + "\n".join(problems),
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def pytest_terminal_summary(terminalreporter):
    if not AUDITED:
        return
    names = list(AUDITED_VIEWPORT_NAMES)
    width = max(len(path) for path in AUDITED)
    write = terminalreporter.write_line
    terminalreporter.section(f"axe-core {_axe_version()}: WCAG 2.1 A/AA violations per page")
    write(f"{'page':<{width}}  " + "  ".join(f"{n:>8}" for n in names))
    for path in sorted(AUDITED):
        write(f"{path:<{width}}  " + "  ".join(f"{AUDITED[path].get(n, '-'):>8}" for n in names))
    total = sum(sum(v.values()) for v in AUDITED.values())
    write(f"{len(AUDITED)} pages audited, {total} violations")


def _axe_version() -> str:
    match = re.search(r"axe v([\d.]+)", AXE_FILE.read_text()[:100])
    return match.group(1) if match else "?"


AUDITED_VIEWPORT_NAMES = tuple(AUDIT_VIEWPORTS)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "no_page_audit: skip the overflow and axe-core audit of the pages visited"
    )
