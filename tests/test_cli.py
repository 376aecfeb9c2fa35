"""The `efactura` entry point."""

import subprocess
import sys


def test_it_lists_subcommands_in_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "efactura", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: efactura" in result.stdout
