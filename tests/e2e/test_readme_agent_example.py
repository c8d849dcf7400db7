"""The README's "Supervising AI agents" example is a working pipeline: run as written, on a live server."""

import asyncio
import os
import re
import sys

from app.core.migrations import ROOT
from tests.factories import SEND_INSTRUCTION, START_CALL, call_args
from tests.live import Http, LiveServer

SECTION = re.compile(r"^## Supervising AI agents\n(.*?)^## ", re.MULTILINE | re.DOTALL)
PYTHON = re.compile(r"^```python\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
STATUS = '{ liveCall(callId: "readme-call") { instructions { status } } }'


def example() -> str:
    section = SECTION.search((ROOT / "README.md").read_text())
    assert section is not None, "README.md has no section 'Supervising AI agents'"
    [code] = PYTHON.findall(section.group(1))
    return code


async def test_the_readme_pipeline_receives_and_acknowledges_an_instruction(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("readme-call"))
    env = {**os.environ, "LIVECALLS_URL": live_server.http_url, "CALL_ID": "readme-call"}
    env.pop("LIVECALLS_TOKEN", None)  # this server has authentication off
    pipeline = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        example(),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )

    await http.data(SEND_INSTRUCTION, callId="readme-call", text="Slow down")
    for _ in range(500):
        statuses = [i["status"] for i in (await http.data(STATUS))["liveCall"]["instructions"]]
        if statuses == ["APPLIED"]:
            break
        await asyncio.sleep(0.02)
    await http.data('mutation { endLiveCall(callId: "readme-call") { status } }')
    out, err = await asyncio.wait_for(pipeline.communicate(), 20)

    assert pipeline.returncode == 0, err.decode()
    assert statuses == ["APPLIED"]
    assert out.decode().splitlines() == ["COACH Slow down", "APPLIED"]
