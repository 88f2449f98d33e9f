"""Browser tests: the session's app served on a free local port, driven by Debian's Chromium through Playwright.

Playwright's own browser download is not used; /usr/bin/chromium is. Without it the browser tests are
skipped (the rest of the suite still runs), except on CI (CI=true) where a missing browser is a failure.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
MISSING_CHROMIUM = f"未找到 {CHROMIUM}：跳过浏览器测试（apt-get install chromium）"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request; errors and tracebacks are still reported."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The base URL of the session's app, served by a threaded server (one peewee connection per request)."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true 但未找到 {CHROMIUM}：浏览器测试不能跳过，请先 apt-get install chromium。",
                        pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture
def page(browser, live_server, csrf_on, request):
    """A fresh browser context per test (no shared cookies), with CSRF protection on as in production.

    A failing test leaves a screenshot in test-results/; anything the Content-Security-Policy blocked fails the test.
    """
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    blocked = []
    tab.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    yield tab
    assert not blocked, f"被内容安全策略（CSP）拦截：{blocked}"
    if request.node.stash.get(_CALL_FAILED, False):
        SCREENSHOTS.mkdir(exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
