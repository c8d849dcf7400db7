"""A secure default with an easy start: what the server accepts as configuration."""

import logging
import stat
from pathlib import Path

import jwt
import pytest
from pydantic import SecretStr

from app.__main__ import main
from app.auth.errors import AuthConfigurationError
from app.auth.tokens import Authenticator
from app.core.config import Settings


def test_production_refuses_to_start_without_a_key(settings: Settings) -> None:
    production = settings.model_copy(update={"environment": "production", "auth_disabled": False})

    with pytest.raises(AuthConfigurationError, match="JWT_SECRET"):
        Authenticator.from_settings(production)


def test_production_refuses_to_run_with_authentication_disabled(settings: Settings) -> None:
    production = settings.model_copy(
        update={"environment": "production", "auth_disabled": True, "jwt_secret": SecretStr("x" * 40)}
    )

    with pytest.raises(AuthConfigurationError, match="AUTH_DISABLED"):
        Authenticator.from_settings(production)


def test_a_short_secret_is_refused(settings: Settings) -> None:
    weak = settings.model_copy(update={"auth_disabled": False, "jwt_secret": SecretStr("short")})

    with pytest.raises(AuthConfigurationError, match="32"):
        Authenticator.from_settings(weak)


def test_disabling_authentication_is_logged_loudly(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="app.auth"):
        authenticator = Authenticator.from_settings(settings)

    assert authenticator.disabled
    assert "AUTHENTICATION IS DISABLED" in caplog.text


def test_development_without_a_key_signs_with_a_private_local_secret(
    settings: Settings, tmp_path: Path
) -> None:
    secret_file = tmp_path / "dev-secret"
    development = settings.model_copy(update={"auth_disabled": False, "dev_secret_file": str(secret_file)})

    first = Authenticator.from_settings(development)
    second = Authenticator.from_settings(development)

    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert first.verifying_key == second.verifying_key


def test_the_token_command_prints_a_signed_token_for_each_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(dev_secret_file=str(tmp_path / "dev-secret"))

    main(["token"], settings)

    lines = capsys.readouterr().out.splitlines()
    roles = {line.split(": ")[0]: line.split(": ")[1] for line in lines}
    assert set(roles) == {"pipeline", "supervisor", "viewer", "admin"}
    secret = (tmp_path / "dev-secret").read_text().strip()
    claims = jwt.decode(roles["viewer"], secret, algorithms=["HS256"], audience="live-call-monitor")
    assert claims["role"] == "viewer"
