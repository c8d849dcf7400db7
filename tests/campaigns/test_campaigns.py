from tests.factories import Api
from tests.post_call import CREATE_CAMPAIGN, OBJECTIVES, create_campaign

CAMPAIGNS = "{ campaigns { id name } }"
CAMPAIGN = (
    "query C($id: String!) { campaign(campaignId: $id) { id name objectives costPerMinute retentionDays } }"
)
SEEDED = """
query Call($callId: String!) {
  liveCall(callId: $callId) {
    campaignId objectives { objective status order } systemConfig { costPerMinute totalCost }
  }
}
"""


def test_create_campaign_stores_it_for_the_campaign_queries(api: Api) -> None:
    created = create_campaign(api, "cmp-q4", retentionDays=14.0)

    assert created["id"] == "cmp-q4"
    assert api.data(CAMPAIGN, id="cmp-q4")["campaign"] == {
        "id": "cmp-q4",
        "name": "Q4 Outbound",
        "objectives": OBJECTIVES,
        "costPerMinute": 0.05,
        "retentionDays": 14.0,
    }
    assert api.data(CAMPAIGNS)["campaigns"] == [{"id": "cmp-q4", "name": "Q4 Outbound"}]


def test_a_campaign_without_an_id_gets_a_fresh_one(api: Api) -> None:
    first = create_campaign(api, None)
    second = create_campaign(api, None)

    assert first["id"] != second["id"]
    assert len(first["id"]) == 36


def test_campaigns_list_newest_first(api: Api) -> None:
    for campaign_id in ("a", "b", "c"):
        create_campaign(api, campaign_id)

    assert [c["id"] for c in api.data(CAMPAIGNS)["campaigns"]] == ["c", "b", "a"]


def test_an_unknown_campaign_is_null(api: Api) -> None:
    assert api.data(CAMPAIGN, id="nope")["campaign"] is None


def test_create_campaign_rejects_bad_input_naming_the_argument(api: Api) -> None:
    create_campaign(api, "taken")
    cases = {
        "campaignId": {"campaignId": "taken"},
        "name": {"name": "  "},
        "objectives": {"objectives": ["ok", ""]},
        "costPerMinute": {"costPerMinute": -0.01},
        "retentionDays": {"retentionDays": 0.0},
    }
    for field, overrides in cases.items():
        args = {"name": "N", "objectives": ["o"], "costPerMinute": 0.1, **overrides}

        error = api.error(CREATE_CAMPAIGN, **args)

        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, field


def test_start_live_call_with_a_campaign_seeds_its_objectives_and_cost(api: Api) -> None:
    create_campaign(api, "cmp-q4", objectives=["Qualify", "Close"], costPerMinute=0.12)
    api.start_call("call-1", campaignId="cmp-q4")
    api.data('mutation { updateCallProgress(callId: "call-1", duration: 90) { duration } }')

    call = api.data(SEEDED, callId="call-1")["liveCall"]

    assert call["campaignId"] == "cmp-q4"
    assert call["objectives"] == [
        {"objective": "Qualify", "status": "PENDING", "order": 0},
        {"objective": "Close", "status": "PENDING", "order": 1},
    ]
    assert call["systemConfig"]["costPerMinute"] == 0.12
    assert call["systemConfig"]["totalCost"] == 90 / 60 * 0.12


def test_start_live_call_without_a_campaign_keeps_the_spec_defaults(api: Api) -> None:
    create_campaign(api, "cmp-q4")
    api.start_call("call-1")

    call = api.data(SEEDED, callId="call-1")["liveCall"]

    assert len(call["objectives"]) == 5
    assert call["objectives"][0]["objective"] == "Identify decision makers in target companies"
    assert call["systemConfig"]["costPerMinute"] == 0.0298


def test_a_campaign_id_naming_no_campaign_is_kept_as_a_label_with_the_spec_defaults(api: Api) -> None:
    api.start_call("call-1", campaignId="free-label")

    call = api.data(SEEDED, callId="call-1")["liveCall"]

    assert call["campaignId"] == "free-label"
    assert len(call["objectives"]) == 5
    assert call["systemConfig"]["costPerMinute"] == 0.0298
