"""The shared quota limiter's cost per counted call: statements and CPU (run by hand).

    .venv/bin/python bench/bench_quota.py [--calls 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/efactura_bench .venv/bin/python bench/bench_quota.py
    EFACTURA_REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/bench_quota.py

Counts `--calls` calls of ANAF's minute budget (one key) and of a per-message daily budget (a new message
each call, as a sync's downloads do) through the limiter the hub would use: the database's (a throw-away
SQLite file, or the PostgreSQL database named by DATABASE_URL) or Redis's when EFACTURA_REDIS_URL is set.
Prints the statements one call makes on the database and the median CPU of a call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="efactura-bench-quota-")
    os.environ.setdefault("EFACTURA_DATA_DIR", folder)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(folder) / 'quota.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hub.integrations.ro_efactura.models import QuotaCounter
    from hub.integrations.ro_efactura.quota import DatabaseQuotaLimiter, RedisQuotaLimiter

    call_command("migrate", verbosity=0)
    prefix = f"bench-quota-{os.getpid()}"
    QuotaCounter.objects.filter(budget__startswith=prefix).delete()
    redis_url = os.environ.get("EFACTURA_REDIS_URL")
    limiter = RedisQuotaLimiter(redis_url, prefix=prefix) if redis_url else DatabaseQuotaLimiter(prefix)
    where = "Redis" if redis_url else connection.vendor
    budgets = (
        ("minute (one key)", "global", timedelta(minutes=1), lambda _: "api"),
        ("day (a new message each call)", "download", timedelta(days=1), str),
    )
    for label, scope, window, key in budgets:
        limiter.acquire(scope, key(-1), 10**9, window)  # the budget's first rows exist
        with CaptureQueriesContext(connection) as captured:
            limiter.acquire(scope, key(-2), 10**9, window)
        cpu = []
        for index in range(args.calls):
            started = time.process_time()
            limiter.acquire(scope, key(index), 10**9, window)
            cpu.append(time.process_time() - started)
        print(
            f"{where}, {label}: {len(captured)} database statements a call, "
            f"CPU median {statistics.median(cpu) * 1000:.2f} ms, mean {statistics.fmean(cpu) * 1000:.2f} ms "
            f"over {args.calls} calls"
        )
    QuotaCounter.objects.filter(budget__startswith=prefix).delete()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
