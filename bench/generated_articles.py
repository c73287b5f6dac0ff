"""Distinct short outage write-ups generated from a number, for load and fault tests.

Each text names its own services and minute of the day, so no two numbers give
the same article (the store keys articles by their text's hash).

>>> outage_article(7) != outage_article(8)
True
>>> "Mailer7" in outage_article(7)
True
"""

from __future__ import annotations

SERVICES = ("Ledger", "Billing", "Catalog", "Router", "Inventory", "Search", "Payments", "Mailer")
FAULTS = ("a faulty configuration push", "an expired certificate", "a full disk", "a bad deploy")
SYMPTOMS = ("DNS failures", "timeouts", "elevated error rates", "failed health checks")


def outage_article(n: int) -> str:
    """A four-sentence outage account, unique to ``n`` (0 <= n < 1,000,000)."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"n={n} is outside 0..999999")
    cause, effect = f"{SERVICES[n % 8]}{n}", f"{SERVICES[(n + 3) % 8]}{n}"
    hour, minute = 8 + n % 12, n % 60
    return (f"On 12 June 2024 at {hour:02d}:{minute:02d} UTC, {FAULTS[n % 4]} in the {cause} service "
            f"caused {SYMPTOMS[n % 4]} in the {effect} API. As a result, customers of the {effect} API saw "
            f"errors for {10 + n % 50} minutes. Engineers rolled back the change and the {effect} API "
            f"recovered at {hour + 1:02d}:{minute:02d} UTC. Case number {n}.")
