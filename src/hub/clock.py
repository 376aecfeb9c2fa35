"""`hub.clock.now()`: the hub's own clock (implemented in `hub.core.clock`; tests and the demo move it)."""

from hub.core.clock import TimeTravelDisabled, advance, now, offset, reset, set_offset

__all__ = ["TimeTravelDisabled", "advance", "now", "offset", "reset", "set_offset"]
