"""A campaign's id is `campaignId`, as on LiveCall and CampaignReport; `id` stays, deprecated."""

from tests.live import Http

CREATE = """
mutation { createCampaign(campaignId: "q4", name: "Q4", objectives: ["Book a demo"], costPerMinute: 0.05) {
  campaignId id
} }
"""
READ = """
{ campaign(campaignId: "q4") { campaignId } campaigns { campaignId } liveCall(callId: "c") { campaignId } }
"""
START = """
mutation { startLiveCall(callId: "c", agentName: "A", customerName: "C", customerPhone: "+1 555 0100",
                         campaignName: "Q4", sessionId: "s", campaignId: "q4") { campaignId } }
"""
CAMPAIGN_FIELDS = """
{ __type(name: "Campaign") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }
"""


async def test_a_campaign_is_read_by_the_campaign_id_a_call_names(http: Http) -> None:
    created = (await http.data(CREATE))["createCampaign"]
    await http.data(START)

    read = await http.data(READ)

    assert created == {"campaignId": "q4", "id": "q4"}
    assert read == {
        "campaign": {"campaignId": "q4"},
        "campaigns": [{"campaignId": "q4"}],
        "liveCall": {"campaignId": "q4"},
    }


async def test_the_campaign_id_field_is_deprecated_for_campaign_id(http: Http) -> None:
    fields = (await http.data(CAMPAIGN_FIELDS))["__type"]["fields"]

    deprecated = {field["name"]: field["deprecationReason"] for field in fields if field["isDeprecated"]}
    assert deprecated.keys() == {"id"}
    assert "campaignId" in deprecated["id"]
