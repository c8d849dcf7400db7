"""The monitor page is served by the app itself, with no CDN and no build step."""

import re

from starlette.testclient import TestClient

from app.monitor.routes import STATIC


def test_monitor_redirects_to_the_page_keeping_the_query(client: TestClient) -> None:
    response = client.get("/monitor?call=c-1", follow_redirects=False)

    assert response.status_code in (301, 307)
    assert response.headers["location"].endswith("/monitor/?call=c-1")


def test_the_page_and_its_modules_are_served_with_their_types(client: TestClient) -> None:
    page = client.get("/monitor/")
    script = client.get("/monitor/monitor.js")
    style = client.get("/monitor/monitor.css")

    assert (page.status_code, page.headers["content-type"].split(";")[0]) == (200, "text/html")
    assert script.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert style.headers["content-type"].split(";")[0] == "text/css"


def test_nothing_is_loaded_from_another_origin() -> None:
    sources = "".join(path.read_text() for path in STATIC.iterdir())

    assert not re.search(r"(src|href)=[\"']https?://", sources)
    assert not re.search(r"from [\"']https?://", sources)
