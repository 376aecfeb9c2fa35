"""The one row holding the hub clock's offset (tests and the demo move it; production never does)."""

from django.db import models


class ClockOffset(models.Model):
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.seconds:+.0f} s"


class FormToken(models.Model):
    """A one-time form token that was used (`hub.core.once`); the unique nonce refuses a second use."""

    nonce = models.CharField(max_length=40, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"form token used {self.used_at}"
