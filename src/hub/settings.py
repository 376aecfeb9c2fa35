"""Django settings of the hub, read from the environment (filled in by the hub issue)."""

SECRET_KEY = "placeholder-overridden-by-environment"  # noqa: S105
INSTALLED_APPS: list[str] = []
