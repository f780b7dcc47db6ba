"""The display's sound in real headless Chromium: announcements play one after another in the order
of the calls (a recall again), a missing WAV falls back to the chime, and when the browser blocks
autoplay the small "Aktifkan suara" banner appears (never over the current call or the counters)
and one click plays what was queued."""

from __future__ import annotations

import pytest
from display_layout_checks import UNCOVERED
from servers import call_next, officer, open_display, take, ticket_action, wait_for_hero

pytestmark = pytest.mark.browser

AUDIO_LOG = "() => window.loketDisplay.audioLog.map(e => ({...e}))"
# Played faster so the test does not wait for every clip in real time; the order is the same.
FAST = "() => { window.loketDisplay.player.playbackRate = 4; }"


def wait_until_played(page, labels: list[str], timeout: float = 20000):
    """Wait until every label has a finished entry in the audio log, in this order."""
    page.wait_for_function(
        """labels => {
            const done = window.loketDisplay.audioLog.filter(e => e.result === 'ended').map(e => e.label);
            return done.length >= labels.length && labels.every((label, i) => done[i] === label);
        }""",
        arg=labels,
        timeout=timeout,
        polling=100,
    )


def assert_one_at_a_time(log: list[dict]):
    for before, after in zip(log, log[1:], strict=False):
        assert after["startedAt"] is None or after["startedAt"] >= before["endedAt"], (before, after)


def test_announcements_play_in_call_order_without_overlap(live_server, page):
    open_display(page, live_server)
    page.wait_for_function("() => document.getElementById('display').dataset.sound === 'on'", timeout=5000)
    page.evaluate(FAST)
    sessions = {counter: officer(live_server, counter) for counter in (1, 2, 3)}
    for service in "ABD":
        take(live_server, service)
    tickets = [call_next(sessions[counter], live_server, counter) for counter in (1, 2, 3)]
    ticket_action(sessions[1], live_server, tickets[0]["id"], "recall")
    expected = [t["number"] for t in tickets] + [tickets[0]["number"]]

    wait_until_played(page, expected)
    log = page.evaluate(AUDIO_LOG)
    announced = page.evaluate("() => window.loketDisplay.announced")
    assert [a["number"] for a in announced] == expected
    finished = [entry for entry in log if entry["result"] == "ended"]
    assert [entry["label"] for entry in finished] == expected
    for entry, call in zip(finished, announced, strict=True):
        # The call's own WAV (chime + speech), or the chime alone when that WAV was not usable.
        assert entry["url"] in (call["audioUrl"], "/sounds/chime.wav"), (entry, call)
    assert_one_at_a_time(log)
    durations = ", ".join(
        f"{e['label']} {(e['endedAt'] - e['startedAt']) * 4 / 1000:.1f} s" for e in finished
    )
    print(f"\nplayed in order, one at a time (real-time lengths): {durations}")
    page.wait_for_function(
        "() => document.getElementById('display').dataset.announcing === 'false'", timeout=2000
    )


def test_a_missing_announcement_falls_back_to_the_chime(live_server, page):
    """A WAV that fails to load: the chime alone, and the queue carries on. A null audio_url is the
    server saying the display stays silent (its own speaker announces, or sound is off)."""
    open_display(page, live_server)
    page.wait_for_function("() => document.getElementById('display').dataset.sound === 'on'", timeout=5000)
    page.evaluate(FAST)
    page.evaluate("""() => {
        const call = (number, audio_url) => window.loketDisplay.dispatch('ticket_called', {
            ticket: {id: 900, number, service: 'A', service_name: 'Perizinan & Rekomendasi', status: 'called'},
            counter: {id: 1, name: 'Loket 1'}, recall: false, called_at: new Date().toISOString(),
            announcement: {text: 'Nomor antrian ' + number, audio_url}});
        call('A901', '/sounds/announcements/does-not-exist.wav');
        call('A902', null);
        call('A903', '/sounds/chime.wav');
    }""")
    wait_until_played(page, ["A901", "A903"], timeout=10000)
    log = page.evaluate(AUDIO_LOG)
    assert [(e["label"], e["url"], e["result"]) for e in log] == [
        ("A901", "/sounds/announcements/does-not-exist.wav", "failed"),
        ("A901", "/sounds/chime.wav", "ended"),
        ("A903", "/sounds/chime.wav", "ended"),
    ]
    assert_one_at_a_time(log)
    assert page.locator("#hero").get_attribute("data-number") == "A903"


def test_blocked_autoplay_shows_a_one_click_banner(
    live_server, playwright, browser_type_launch_args, artifacts
):
    """A browser without the kiosk flag: the display says so, and one click plays the queued call."""
    args = [arg for arg in browser_type_launch_args["args"] if not arg.startswith("--autoplay-policy")]
    browser = playwright.chromium.launch(
        **{**browser_type_launch_args, "args": [*args, "--autoplay-policy=user-gesture-required"]}
    )
    try:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        open_display(page, live_server)
        banner = page.locator("#sound-unlock")
        banner.wait_for(state="visible", timeout=5000)
        assert page.get_by_role("button", name="Aktifkan suara").is_visible()
        page.evaluate(FAST)

        take(live_server, "A")
        ticket = call_next(officer(live_server, 1), live_server, 1)
        wait_for_hero(page, ticket["number"])  # the screen itself is never held back by the sound
        assert page.evaluate(UNCOVERED, ".hero, .counter-tile") == []
        page.wait_for_function("() => window.loketDisplay.player.queue.length === 1", timeout=5000)
        assert not [e for e in page.evaluate(AUDIO_LOG) if e["result"] == "ended"]
        page.screenshot(path=str(artifacts / "display-sound-blocked.png"))

        page.get_by_role("button", name="Aktifkan suara").click()
        banner.wait_for(state="hidden", timeout=2000)
        wait_until_played(page, [ticket["number"]], timeout=15000)
        assert page.locator("#display").get_attribute("data-sound") == "on"
    finally:
        browser.close()
