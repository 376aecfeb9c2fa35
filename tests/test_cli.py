"""The `efactura` entry point."""

import os
import stat
import subprocess
import sys
from pathlib import Path


def test_it_lists_subcommands_in_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "efactura", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: efactura" in result.stdout


def _bare_environment() -> dict[str, str]:
    """This environment without any of the hub's settings: only the configuration file may give them."""
    prefixes = ("DATABASE_URL", "EFACTURA_", "SECRET_KEY", "ANAF_", "CELERY_", "EMAIL_", "DJANGO_SETTINGS")
    return {name: value for name, value in os.environ.items() if not name.startswith(prefixes)}


def test_every_command_reads_the_demos_configuration_file(tmp_path: Path) -> None:
    """The demo writes D/efactura.env; `manage` and `sync` in other processes find the demo's database."""
    from efactura.demo import demo_settings, write_config

    data_dir = tmp_path / "demo"
    data_dir.mkdir(mode=0o700)
    config = write_config(data_dir, demo_settings(data_dir, 8000, 8900))
    assert config == data_dir / "efactura.env"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text(encoding="utf-8")
    for secret_file in ("secret-key", "fernet-key"):  # secrets stay in their own files, named by *_FILE
        assert (data_dir / secret_file).read_text(encoding="utf-8").strip() not in text
    assert f'SECRET_KEY_FILE="{data_dir / "secret-key"}"' in text

    env = {**_bare_environment(), "EFACTURA_CONFIG": str(config)}
    efactura = [sys.executable, "-m", "efactura"]
    for command in (
        ["manage", "migrate", "--noinput", "-v", "0"],
        ["manage", "demo_setup", "--password", "a-long-demo-password", "--company", "16000015=Alfa SRL"],
    ):
        subprocess.run([*efactura, *command], env=env, check=True, capture_output=True, text=True)
    assert (data_dir / "hub.sqlite3").exists()

    # No authorization yet: the sync finds the company in the demo's database and says why it cannot run.
    synced = subprocess.run(
        [*efactura, "sync", "--company", "16000015"], env=env, capture_output=True, text=True, check=False
    )
    assert "demo 16000015: failed" in synced.stdout, synced.stdout + synced.stderr
    with_option = subprocess.run(
        [*efactura, "--config", str(config), "sync", "--company", "16000015"],
        env=_bare_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert "demo 16000015: failed" in with_option.stdout, with_option.stdout + with_option.stderr


def test_a_missing_configuration_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.env"
    result = subprocess.run(
        [sys.executable, "-m", "efactura", "--config", str(missing), "sync"],
        env=_bare_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert f"configuration file not found: {missing}" in result.stderr
    assert "fișierul de configurare nu există" in result.stderr
