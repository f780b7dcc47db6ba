"""The guide in real headless Chromium against a real ``loket serve``: every page opens, every
internal link and image resolves, and each screen's "Bantuan" lands on its own section."""

from __future__ import annotations

from urllib.parse import urldefrag, urlparse

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-123"
WAIT_MS = 10000


@pytest.fixture
def guest(live_server, browser):
    """A fresh browser context on the live server; no script error may happen in it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    errors = []
    context.on("weberror", lambda error: errors.append(error.error))
    yield context
    context.close()
    assert not errors, errors


def _pages(page: Page, base: str) -> list[str]:
    page.goto(base + "/bantuan")
    links = page.locator("nav.guide-toc .guide-pages > li > a")
    return [base + href for href in links.evaluate_all("(as) => as.map(a => a.getAttribute('href'))")]


def test_every_page_link_and_image_of_the_guide_resolves(live_server, guest: BrowserContext):
    page = guest.new_page()
    pages = _pages(page, live_server.url)
    assert len(pages) == 6
    checked_links, checked_images, anchors_seen = set(), 0, {}
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("main.guide-body h1")).to_have_count(1)
        # Every image has loaded (a broken one has no natural width).
        images = page.locator("main.guide-body img")
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            expect(image).to_have_js_property("complete", True)
            assert image.evaluate("(img) => img.naturalWidth") > 100, image.get_attribute("src")
            checked_images += 1
        hrefs = page.locator("a[href]").evaluate_all("(as) => as.map(a => a.href)")
        for href in hrefs:
            target, fragment = urldefrag(href)
            if urlparse(target).netloc != urlparse(live_server.url).netloc:
                continue
            checked_links.add((target, fragment))
        anchors_seen[page.url.split("#")[0]] = set(
            page.locator("[id]").evaluate_all("(els) => els.map(e => e.id)")
        )
    for target, fragment in sorted(checked_links):
        if target not in anchors_seen:
            status = page.request.get(target).status
            assert status == 200, target
            if fragment:
                page.goto(target)
                anchors_seen[target] = set(page.locator("[id]").evaluate_all("(els) => els.map(e => e.id)"))
        if fragment:
            assert fragment in anchors_seen[target], f"{target}#{fragment}"
    assert checked_images >= 7
    assert len(checked_links) >= 30


def test_the_guide_prints_without_its_table_of_contents(live_server, guest: BrowserContext):
    page = guest.new_page()
    page.goto(live_server.url + "/bantuan/jika-ada-masalah")
    expect(page.locator("nav.guide-toc")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.guide-toc")).to_be_hidden()
    expect(page.locator("main.guide-body blockquote").first).to_be_visible()
    assert len(page.pdf(format="A4")) > 10_000


def _sign_in(context: BrowserContext, base: str, username: str, counter: int | None = None) -> None:
    body = {"username": username, "password": PASSWORD, **({"counter": counter} if counter else {})}
    response = context.request.post(base + "/api/login", data=body)
    assert response.status == 200, response.text()


SCREENS = [
    # screen, who signs in (and where), the guide's page and section it must land on
    ("/officer", ("petugas1", 1), "/bantuan/petugas-loket", "konsol-petugas"),
    ("/board", ("kepala", None), "/bantuan/supervisor", "papan-pemantauan"),
    ("/reports", ("kepala", None), "/bantuan/supervisor", "laporan-bulanan"),
    ("/admin", ("admin", None), "/bantuan/admin", "admin"),
]


@pytest.mark.parametrize("screen,user,path,section", SCREENS, ids=[s[0] for s in SCREENS])
def test_each_screens_bantuan_lands_on_its_section(
    live_server, guest: BrowserContext, screen, user, path, section
):
    _sign_in(guest, live_server.url, *user)
    page = guest.new_page()
    page.goto(live_server.url + screen)
    link = page.get_by_role("link", name="Bantuan", exact=True)
    expect(link).to_be_visible()
    with guest.expect_page() as opened:
        link.click()
    help_page = opened.value
    help_page.wait_for_load_state()
    assert urlparse(help_page.url).path == path
    assert urlparse(help_page.url).fragment == ("" if section == "admin" else section)
    heading = help_page.locator(f"[id='{section}']")
    expect(heading).to_be_visible()
    expect(heading).to_be_in_viewport()
    expect(help_page.locator(".guide")).to_have_css("display", "grid")  # the guide's CSS is served
