"""What the monitor page shows in the corners of a call's life, in a real headless Chromium."""

from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from tests.browser import Browser, Page
from tests.factories import START_CALL, call_args
from tests.live import Http, LiveServer

LONG_OBJECTIVE = (
    "Identify every decision maker in the target company, including who signs the contract "
    "and who owns the budget"
)
OBJECTIVES = [LONG_OBJECTIVE, "Book a demo", "Agree next steps", "Send the quote"]
STATUS = 'document.querySelector("[data-testid=call-status]").dataset.status'
SECRET = SecretStr("monitor-tests-signing-secret-0123456789")


def _mutation(field: str, call_id: str, arguments: str = "") -> str:
    return f'mutation {{ {field}(callId: "{call_id}"{arguments}) {{ __typename }} }}'


async def _start(http: Http, call_id: str, **overrides: str) -> None:
    await http.data(START_CALL, **call_args(call_id, **overrides))


async def _open_call(page: Page, server: LiveServer, call_id: str) -> None:
    await page.goto(f"http://127.0.0.1:{server.port}/monitor/?call={call_id}")
    await page.wait_for("document.getElementById('call').dataset.state === 'live'")


async def test_the_header_names_the_phase_the_strip_shows_as_active(
    live_server: LiveServer, http: Http, browser: Browser, artifacts: Path
) -> None:
    await _start(http, "phased")
    page = await browser.new_page()
    await _open_call(page, live_server, "phased")

    at_start = await page.evaluate("document.getElementById('call-phase').textContent")
    strip = await page.evaluate("document.querySelector('#phases [data-status=ACTIVE]').dataset.phase")
    await page.screenshot(artifacts / "monitor-phase-at-start.png")
    await http.data(_mutation("updateCallPhase", "phased", ', phase: "Discovery"'))
    await page.wait_for("document.querySelector('[data-phase=Discovery]').dataset.status === 'ACTIVE'")
    after_change = await page.evaluate("document.getElementById('call-phase').textContent")

    assert (at_start, strip) == ("Opening", "Opening")
    assert after_change == "Discovery"
    assert page.errors == []


async def test_an_ended_call_that_never_changed_phase_is_listed_by_the_phase_it_reached(
    live_server: LiveServer, http: Http, browser: Browser
) -> None:
    await _start(http, "unphased")
    await http.data(_mutation("endLiveCall", "unphased"))
    page = await browser.new_page()

    await page.goto(f"http://127.0.0.1:{live_server.port}/monitor/")
    listed = await page.wait_for(
        "document.querySelector('[data-call-id=unphased] .board-line:last-child')?.textContent"
    )

    assert listed == "Opening"
    assert page.errors == []


async def test_rec_goes_away_when_the_call_ends(
    live_server: LiveServer, http: Http, browser: Browser
) -> None:
    await _start(http, "recorded")
    await http.data(_mutation("updateCallStatus", "recorded", ", status: CONNECTED"))
    await http.data(_mutation("toggleRecording", "recorded", ", isRecording: true"))
    page = await browser.new_page()
    await _open_call(page, live_server, "recorded")
    shown = "getComputedStyle(document.getElementById('call-recording')).display !== 'none'"
    while_live = await page.evaluate(shown)

    await http.data(_mutation("endLiveCall", "recorded"))
    await page.wait_for(f"{STATUS} === 'ENDED'")

    assert while_live is True
    assert await page.evaluate(shown) is False
    assert page.errors == []


async def test_an_objective_badge_keeps_its_one_line_shape_when_the_objective_wraps(
    live_server: LiveServer, http: Http, browser: Browser, artifacts: Path
) -> None:
    await http.data(
        'mutation($o: [String!]!) { createCampaign(campaignId: "long", name: "Long", objectives: $o,'
        " costPerMinute: 0.05) { campaignId } }",
        o=OBJECTIVES,
    )
    await _start(http, "wrapping", campaignId="long")
    for order, status in ((1, "IN_PROGRESS"), (1, "COMPLETED"), (2, "MISSED"), (3, "IN_PROGRESS")):
        await http.data(_mutation("updateCallObjective", "wrapping", f", order: {order}, status: {status}"))
    page = await browser.new_page(height=1500)
    await _open_call(page, live_server, "wrapping")

    shapes = await page.evaluate(
        """[...document.querySelectorAll('#objectives li')].map((li) => {
             const badge = li.lastElementChild.getBoundingClientRect();
             return {row: li.getBoundingClientRect().height, width: badge.width, height: badge.height,
                     text: li.lastElementChild.textContent};
           })"""
    )
    await page.screenshot(artifacts / "monitor-objectives.png")

    assert [shape["text"] for shape in shapes] == ["Pending", "Completed", "Missed", "In progress"]
    first, *others = shapes
    assert first["row"] > 1.5 * first["height"]  # the first objective's text wraps...
    assert all(abs(first["height"] - other["height"]) < 1 for other in others)  # ...its badge does not grow
    assert first["width"] > first["height"]
    assert page.errors == []


async def test_without_a_token_the_page_shows_how_to_sign_in_and_no_calls_or_controls(
    start_server: Callable[..., LiveServer], browser: Browser, artifacts: Path
) -> None:
    server = start_server(auth_disabled=False, jwt_secret=SECRET)
    page = await browser.new_page()

    await page.goto(f"http://127.0.0.1:{server.port}/monitor/?call=someone")
    await page.wait_for("!document.getElementById('auth-help').hidden")
    # Settled: the page gave up on the call (it used to say so only in a toast).
    await page.wait_for(
        "document.getElementById('call').dataset.state === 'signed-out'"
        " || [...document.querySelectorAll('.toast')].some((t) => t.textContent.startsWith('Could not open'))"
    )
    seen = await page.evaluate(
        """({
          count: document.getElementById('board-count').textContent,
          empty: document.getElementById('board-empty').textContent,
          callShown: !document.getElementById('call').hidden,
          placeholder: document.getElementById('placeholder').textContent,
          enabled: [...document.querySelectorAll('#actions button, #action-details')]
            .filter((control) => !control.disabled).length,
        })"""
    )
    await page.screenshot(artifacts / "monitor-signed-out.png")

    assert seen == {
        "count": "",
        "empty": "Sign in to see the calls.",
        "callShown": False,
        "placeholder": "Sign in to watch a call.",
        "enabled": 0,
    }


async def test_an_ended_calls_details_input_is_disabled_and_looks_it(
    live_server: LiveServer, http: Http, browser: Browser, artifacts: Path
) -> None:
    await _start(http, "over")
    await http.data(_mutation("endLiveCall", "over"))
    page = await browser.new_page()

    await _open_call(page, live_server, "over")
    details = await page.evaluate(
        """(() => {
             const input = document.getElementById('action-details');
             return {disabled: input.disabled, background: getComputedStyle(input).backgroundColor};
           })()"""
    )
    await page.screenshot(artifacts / "monitor-ended-controls.png")

    assert details["disabled"] is True
    assert details["background"] != "rgb(255, 255, 255)"
    assert page.errors == []


async def test_an_objective_moved_during_the_call_moves_on_the_page(
    live_server: LiveServer, http: Http, browser: Browser
) -> None:
    await _start(http, "moving")
    page = await browser.new_page()
    await _open_call(page, live_server, "moving")

    await http.data(_mutation("updateCallObjective", "moving", ", order: 0, status: IN_PROGRESS"))
    moved = await page.wait_for(
        "(s => s !== 'PENDING' && s)(document.querySelector('#objectives li:first-child').dataset.status)"
    )

    assert moved == "IN_PROGRESS"
    assert page.errors == []


async def test_a_paused_call_and_redacted_spans_are_shown_apart_from_speech(
    live_server: LiveServer, http: Http, browser: Browser, artifacts: Path
) -> None:
    await _start(http, "payment")
    line = (
        'mutation($t: String!) { addTranscriptEntry(callId: "payment", timestamp: "00:01", '
        "speaker: CUSTOMER, text: $t, isFinal: true) { order } }"
    )
    await http.data(line, t="my card is 4111 1111 1111 1111, thanks")
    page = await browser.new_page()
    await _open_call(page, live_server, "payment")
    await http.data(_mutation("toggleRecording", "payment", ", isRecording: true"))
    await http.data(_mutation("toggleRecording", "payment", ", isRecording: false"))
    await http.data(line, t="the code is 737")
    await page.wait_for("document.querySelector('#transcript mark.paused') !== null")

    paused = await page.evaluate(
        "getComputedStyle(document.getElementById('call-paused')).display !== 'none'"
    )
    marks = await page.evaluate(
        "[...document.querySelectorAll('#transcript mark')].map(m => m.className + ':' + m.textContent)"
    )
    await page.screenshot(artifacts / "monitor-paused-and-redacted.png")

    assert paused is True
    assert marks == ["redacted:[CREDIT_DEBIT_NUMBER]", "paused:[paused]"]
    assert page.errors == []
