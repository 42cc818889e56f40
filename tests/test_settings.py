"""Settings: one typed object; a wrong or missing value is one line naming the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import SettingsError, load_settings
from tests.conftest import REPO


def write_config(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_config_loads_with_defaults() -> None:
    settings = load_settings(REPO / "config.yaml", {})
    assert settings.database_url == "sqlite+aiosqlite:///./data/wuyebot.db"
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.wechat.sandbox and settings.wechat.api_base == "https://api.weixin.qq.com/cgi-bin/"
    assert settings.sla.repair.single_trade_working_days == 3
    assert str(settings.fees.custody_fee_ratio) == "0.70"


def test_environment_wins() -> None:
    settings = load_settings(REPO / "config.yaml", {"WUYEBOT_PORT": "9000", "WUYEBOT_HOST": "0.0.0.0",
                                                     "WECHAT_API_BASE": "http://127.0.0.1:1/cgi-bin"})
    assert settings.port == 9000 and settings.host == "0.0.0.0"
    assert settings.wechat.api_base == "http://127.0.0.1:1/cgi-bin/"


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = write_config(tmp_path, lambda d: d["estate"].update(name="翠湖苑"))
    assert load_settings(environ={"WUYEBOT_CONFIG": str(path)}).estate.name == "翠湖苑"


@pytest.mark.parametrize(
    ("change", "environ", "message"),
    [
        (lambda d: d["sla"]["repair"].pop("on_site_working_days"), {}, "sla.repair.on_site_working_days: is missing"),
        (lambda d: d["sla"]["repair"].update(on_site_working_days=0), {},
         "sla.repair.on_site_working_days: Input should be greater than 0"),
        (lambda d: d["quiet_hours"].update(start="25:00"), {}, "quiet_hours.start"),
        (lambda d: d.update(timezone="Mars/Base"), {}, "timezone: unknown time zone"),
        (lambda d: d["estate"].update(hotlin="1"), {}, "estate.hotlin: is not a known setting"),
        (lambda d: d.update(wechat={"token": "x"}), {}, "wechat: secrets belong in environment variables"),
        (lambda d: None, {"WUYEBOT_PORT": "eighty"}, "WUYEBOT_PORT: Input should be a valid integer"),
        (lambda d: None, {"WUYEBOT_DATABASE_URL": "mysql://x"}, "WUYEBOT_DATABASE_URL: use sqlite+aiosqlite"),
        (lambda d: None, {"WECHAT_APPID": "wx1"}, "WECHAT_TOKEN: required when WECHAT_APPID is set"),
        (lambda d: None, {"WECHAT_APPID": "wx1", "WECHAT_TOKEN": "t"}, "WECHAT_SECRET is required"),
        (lambda d: None, {"WECHAT_APPID": "wx1", "WECHAT_TOKEN": "t", "WECHAT_SECRET": "s", "WECHAT_AES_KEY": "short"},
         "WECHAT_AES_KEY must be the 43-character EncodingAESKey"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, change, environ, message) -> None:  # type: ignore[no-untyped-def]
    path = write_config(tmp_path, change)
    with pytest.raises(SettingsError) as caught:
        load_settings(path, environ)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="file not found"):
        load_settings(tmp_path / "missing.yaml", {})
    bad = tmp_path / "bad.yaml"
    bad.write_text("estate: [unclosed", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_settings(bad, {})


def test_serve_stops_with_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = write_config(tmp_path, lambda d: d["sla"].pop("repair"))
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], capture_output=True, text=True, timeout=60,
                            env={"WUYEBOT_CONFIG": str(path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
                            cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["wuyebot: configuration error: " + f"{path}: sla.repair: is missing"]
