"""A faithful local stand-in for ANAF: logincert OAuth pages, FCTEL REST, public services.

``create_app(seed, state_dir)`` builds the ASGI app; ``anaf_sandbox.testing.running_sandbox`` serves it on
a loopback port for tests; ``efactura sandbox`` serves it for people. Specification:
docs/anaf.md; the § numbers in this package refer to its sections.
"""

from .app import create_app
from .seed import SeedError, default_seed, parse_seed

__all__ = ["SeedError", "create_app", "default_seed", "parse_seed"]
