"""``scripts/simulate`` beside a development server that requires tokens: it signs its own."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from app.simulator.dev_tokens import development_tokens
from tests.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]


def test_the_simulator_signs_its_own_tokens_for_a_local_development_server(
    start_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    secret = tmp_path / "dev-secret"
    server = start_server(auth_disabled=False, dev_secret_file=str(secret))
    env = {key: value for key, value in os.environ.items() if key not in ("LIVECALLS_TOKEN", "AUTH_DISABLED")}
    env["DEV_SECRET_FILE"] = str(secret)
    command = [sys.executable, "-m", "app", "simulate", "--url", server.http_url, "--speed", "0"]
    command += ["--script", "quick-callback", "--call-prefix", "dev"]

    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1/1 calls ended, 0 failed" in done.stdout
    assert "/monitor/?call=dev-1&token=" in done.stdout  # the link signs the supervisor in


def test_the_tokens_are_an_admin_for_the_simulator_and_a_supervisor_for_the_monitor(tmp_path: Path) -> None:
    settings = Settings(dev_secret_file=str(tmp_path / "dev-secret"))
    verifier = Authenticator.from_settings(settings)  # what the server does: creates the secret

    tokens = development_tokens(settings)

    assert tokens is not None
    assert verifier.verify(tokens.simulator).role is Role.ADMIN
    assert verifier.verify(tokens.monitor).role is Role.SUPERVISOR


def test_no_tokens_without_a_local_development_secret(tmp_path: Path) -> None:
    assert development_tokens(Settings(dev_secret_file=str(tmp_path / "absent"))) is None
    assert development_tokens(Settings(auth_disabled=True)) is None
