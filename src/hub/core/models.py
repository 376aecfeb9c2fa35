"""The one row holding the hub clock's offset (tests and the demo move it; production never does)."""

from django.db import models


class ClockOffset(models.Model):
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.seconds:+.0f} s"
