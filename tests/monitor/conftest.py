"""A headless Chromium for the monitor page's tests, installed by the test setup when missing."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.browser import Browser, BrowserUnavailable, ensure_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> Path:
    try:
        return ensure_chromium()
    except BrowserUnavailable as error:
        if os.environ.get("CI"):
            raise  # CI runs as root with apt: the browser test is never skipped there
        pytest.skip(str(error))


@pytest.fixture
async def browser(chromium: Path, tmp_path: Path) -> AsyncIterator[Browser]:
    browser = await Browser.launch(chromium, tmp_path / "chromium-profile")
    yield browser
    await browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
