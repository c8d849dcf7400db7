"""The final report's HTTP endpoint takes the same bearer tokens as the GraphQL API."""

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.auth.conftest import TokenApi
from tests.factories import START_CALL, call_args


def _ended_calls(admin: TokenApi) -> None:
    for call_id, campaign in (("a", "camp-a"), ("b", "camp-b")):
        admin.data(START_CALL, **call_args(call_id, campaignId=campaign))
        admin.data(f'mutation {{ endLiveCall(callId: "{call_id}") {{ status }} }}')
    admin.data(START_CALL, **call_args("running-b", campaignId="camp-b"))


def test_a_report_without_a_token_is_401(
    secured_client: TestClient, as_role: Callable[..., TokenApi]
) -> None:
    _ended_calls(as_role("admin"))

    response = secured_client.get("/calls/a/report.json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


def test_a_report_with_a_bad_token_is_401(
    secured_client: TestClient, as_role: Callable[..., TokenApi]
) -> None:
    _ended_calls(as_role("admin"))

    response = secured_client.get("/calls/a/report.md", headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401


def test_any_role_may_download_a_report(
    secured_client: TestClient, mint: Callable[..., str], as_role: Callable[..., TokenApi]
) -> None:
    _ended_calls(as_role("admin"))

    response = secured_client.get(
        "/calls/a/report.json", headers={"Authorization": f"Bearer {mint('viewer')}"}
    )

    assert response.status_code == 200
    assert response.json()["analytics"]["callId"] == "a"


def test_a_scoped_token_cannot_see_another_campaigns_report_or_running_call(
    secured_client: TestClient, mint: Callable[..., str], as_role: Callable[..., TokenApi]
) -> None:
    _ended_calls(as_role("admin"))
    headers = {"Authorization": f"Bearer {mint('supervisor', campaigns=['camp-a'])}"}

    own = secured_client.get("/calls/a/report.json", headers=headers)
    other = secured_client.get("/calls/b/report.json", headers=headers)
    running = secured_client.get("/calls/running-b/report.json", headers=headers)

    assert own.status_code == 200
    assert (other.status_code, running.status_code) == (404, 404)
