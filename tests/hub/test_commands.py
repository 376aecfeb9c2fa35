"""The commands: `efactura demo` starts and stops everything; `efactura serve --https` serves TLS."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_line(process: subprocess.Popen[str], needle: str, seconds: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError("".join(lines[-40:]))


def test_demo_starts_everything_and_stops_cleanly(tmp_path: Path) -> None:
    port, sandbox_port = _free_port(), _free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "efactura",
            "demo",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
            "--sandbox-port",
            str(sandbox_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        lines = _wait_for_line(process, "Login: proprietar /", 120)
        password = (tmp_path / "demo-password").read_text().strip()
        assert password in lines[-1]
        assert httpx.get(f"http://127.0.0.1:{port}/login/").status_code == 200
        assert "Autentificare" in httpx.get(f"http://127.0.0.1:{port}/login/").text
        assert httpx.get(f"http://127.0.0.1:{sandbox_port}/_sandbox/clock").status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    for probe in (port, sandbox_port):
        with socket.socket() as sock:
            sock.settimeout(1)
            assert sock.connect_ex(("127.0.0.1", probe)) != 0, f"port {probe} still open"


def test_serve_https_generates_a_localhost_certificate(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "EFACTURA_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    process = subprocess.Popen(
        [sys.executable, "-m", "efactura", "serve", "--https", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        _wait_for_line(process, "Uvicorn running", 60)
        trust = ssl.create_default_context(cafile=str(tmp_path / "tls" / "localhost.crt"))
        response = httpx.get(f"https://localhost:{port}/login/", verify=trust)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        static = httpx.get(f"https://localhost:{port}/static/hub/vendor/htmx.min.js", verify=trust)
        assert static.status_code == 200
        assert "htmx" in static.text[:2000]
    finally:
        process.terminate()
        process.wait(timeout=30)
