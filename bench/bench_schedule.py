"""Freshness under the shared ANAF budget: 1,000 companies, skewed traffic, planned by the hub's scheduler.

    .venv/bin/python bench/bench_schedule.py [--companies 1000] [--per-day 300000] [--days 2]

A minute-by-minute simulation of the platform driven by the scheduler's own decisions
(`hub.inbox.services.scheduling`: `adaptive_minutes`, `expected_cost`, `plan`), without ANAF and without a
database: messages arrive at each company as a Poisson stream (rates Zipf-distributed, exponent 1.1;
companies spread over organizations of very different sizes), each minute the planner picks the due
companies within the minute's budget share, and a planned sync costs one listing call plus one download per
message waiting, and takes every message that appeared before it. The shared limiter is modelled too:
no minute makes more than ANAF's limit of calls, the excess (and its messages) waits for the next minute.
Freshness is the time from a message appearing at ANAF to the sync that fetched it. Printed: freshness
median, p95 and mean; ANAF calls a minute (mean and worst); and, for comparison, the best possible mean for
the same number of listing calls (the square-root allocation between the same bounds, computed in closed
form) and one fixed interval for every company spending the same number of listing calls.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
from collections import deque
from typing import Any

DAY = 24 * 60


def _setup_django() -> None:
    os.environ.setdefault("EFACTURA_DATA_DIR", tempfile.mkdtemp(prefix="efactura-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    import django

    django.setup()


def zipf_rates(companies: int, per_day: float, exponent: float = 1.1) -> list[float]:
    weights = [1 / (rank**exponent) for rank in range(1, companies + 1)]
    total = sum(weights)
    return [per_day / DAY * weight / total for weight in weights]  # messages a minute


def organizations_of(companies: int, rng: random.Random) -> list[int]:
    """One organization holds 60 % of the companies, the rest are in organizations of 1 to 5."""
    big = int(companies * 0.6)
    owners = [0] * big
    organization = 1
    while len(owners) < companies:
        owners.extend([organization] * min(rng.randint(1, 5), companies - len(owners)))
        organization += 1
    rng.shuffle(owners)
    return owners


def best_mean(rates: list[float], listings_per_minute: float, low: float, high: float) -> float:
    """The smallest mean wait any periodic schedule reaches with this many listing calls a minute:
    T_i = clamp(sqrt(c / rate_i)), c chosen by bisection so that the listings add up (Lagrange)."""

    def listings(c: float) -> float:
        return sum(1 / min(high, max(low, math.sqrt(c / rate))) for rate in rates)

    lo, hi = 1e-9, 1e9
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if listings(mid) > listings_per_minute else (lo, mid)
    periods = [min(high, max(low, math.sqrt(hi / rate))) for rate in rates]
    return sum(rate * period / 2 for rate, period in zip(rates, periods, strict=True)) / sum(rates)


def simulate(args: argparse.Namespace) -> int:
    from hub.inbox.services.scheduling import Candidate, adaptive_minutes, bounds, expected_cost, plan

    rng = random.Random(args.seed)
    rates = zipf_rates(args.companies, args.per_day)
    owners = organizations_of(args.companies, rng)
    low, high = bounds()
    budget = args.quota * args.share
    intervals = [adaptive_minutes(args.reference, rate) for rate in rates]
    planned_at = [rng.uniform(0, interval) for interval in intervals]  # a platform already running
    last_sync = [-interval for interval in intervals]
    waiting: list[list[float]] = [[] for _ in rates]
    delays: list[float] = []
    calls_per_minute: list[int] = []
    listings = held = 0
    work: deque[list[Any]] = deque()  # planned syncs not finished: [listing still to do, messages to fetch]
    minutes = int(args.days * DAY)
    for minute in range(minutes):
        for company, rate in enumerate(rates):
            for _ in range(_poisson(rng, rate)):
                waiting[company].append(minute - rng.random())  # appeared during the minute before
        candidates = [
            Candidate(
                company_id=company,
                organization_id=owners[company],
                overdue=(minute - planned_at[company]) / intervals[company],
                cost=expected_cost(rates[company], minute - last_sync[company]),
                interval=intervals[company],
            )
            for company in range(len(rates))
            if planned_at[company] <= minute
        ]
        for chosen in plan(candidates, budget):
            company = chosen.company_id
            work.append([1, waiting[company]])  # the listing, then the messages it found
            waiting[company] = []
            last_sync[company], planned_at[company] = minute, minute + intervals[company]
            if minute >= DAY / 2:
                listings += 1
        calls = 0
        while work and calls < args.quota:  # the shared limiter: never more than ANAF's limit a minute
            item = work[0]
            if item[0]:
                item[0], calls = 0, calls + 1
                continue
            while item[1] and calls < args.quota:
                delays.append(minute + 0.5 - item[1].pop())
                calls += 1
            if not item[1]:
                work.popleft()
        held = max(held, sum(len(item[1]) for item in work))
        calls_per_minute.append(calls)
    measured = minutes - DAY / 2  # the first half day is a warm-up
    used = listings / measured
    fixed = args.companies / used  # the same listings spent as one interval for every company
    fixed_mean = fixed / 2
    print(
        f"{args.companies} companies, {args.per_day:,.0f} messages a day (Zipf 1.1), {args.days:g} days, "
        f"budget {budget:.0f} calls a minute (quota {args.quota} x share {args.share}), "
        f"interval bounds {low:.0f}-{high:.0f} min, reference {args.reference} min"
    )
    quantiles = statistics.quantiles(delays, n=20, method="inclusive")
    print(
        f"freshness: median {statistics.median(delays):.1f} min, p95 {quantiles[18]:.1f} min, "
        f"mean {statistics.fmean(delays):.1f} min over {len(delays):,} messages"
    )
    print(
        f"ANAF calls a minute: mean {statistics.fmean(calls_per_minute):.0f}, "
        f"worst {max(calls_per_minute)} (budget {budget:.0f}, ANAF's limit {args.quota}); "
        f"listings {used:.1f} a minute; at most {held} downloads held over to a later minute by the limiter"
    )
    print(
        f"best possible mean for {used:.1f} listings a minute within the bounds: "
        f"{best_mean(rates, used, low, high):.1f} min; one fixed interval for all ({fixed:.0f} min): "
        f"mean {fixed_mean:.1f} min"
    )
    return 0


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--per-day", type=float, default=300_000, help="messages a day over all companies")
    parser.add_argument("--days", type=float, default=2)
    parser.add_argument("--quota", type=int, default=1000, help="ANAF's calls a minute")
    parser.add_argument("--share", type=float, default=0.8, help="EFACTURA_SCHEDULE_BUDGET_SHARE")
    parser.add_argument("--reference", type=float, default=30, help="the organizations' interval setting")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    _setup_django()
    return simulate(args)


if __name__ == "__main__":
    sys.exit(main())
