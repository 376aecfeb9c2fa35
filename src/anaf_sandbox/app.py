"""The app factory: one Starlette app answering every ANAF host's paths on one port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from . import control, efactura, oauth, public
from .core import Sandbox
from .gate import Gate
from .seed import Seed, default_seed, parse_seed


def create_app(
    seed: dict[str, Any] | Seed | None = None,
    state_dir: Path | None = None,
    *,
    files_dir: Path | None = None,
    control_token: str | None = None,
) -> Starlette:
    """An ASGI app serving ANAF's paths and ``/_sandbox/``.

    ``seed``: a seed dict (checked against ``seed.schema.json``; default: ``seeds/default.json``).
    ``state_dir``: where state, keys and uploads persist; an existing state there wins over the seed's
    inbox (call ``POST /_sandbox/reset`` to start again from the seed).
    ``files_dir``: the only folder ``POST /_sandbox/messages`` reads ``file`` from (default: the built-in
    ``seeds/``; ``efactura sandbox --seed`` uses the seed file's folder).
    ``control_token``: when set, ``/_sandbox/`` answers only requests with ``Authorization: Bearer <it>``.
    """
    checked = seed if isinstance(seed, Seed) else parse_seed(seed if seed is not None else default_seed())
    sandbox = Sandbox(
        checked,
        Path(state_dir) if state_dir is not None else None,
        files_dir=files_dir,
        control_token=control_token,
    )
    routes: list[BaseRoute] = [*oauth.routes(), *efactura.routes(), *public.routes(), *control.routes()]
    app = Starlette(routes=routes, middleware=[Middleware(Gate)])
    app.state.sandbox = sandbox
    return app
