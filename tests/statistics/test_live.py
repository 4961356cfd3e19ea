"""One test against the real Kolada service; it skips, with its reason, where the network is
not there (as in CI here). The check takes at most three seconds."""

from __future__ import annotations

import socket
import threading

import pytest

from programs.indicators.models import ValueStatus
from programs.indicators.statistics import KoladaClient

KOLADA = "https://api.kolada.se/v3"
HOST = "api.kolada.se"
CHECK_SECONDS = 3.0


def _reachable(host: str, port: int = 443) -> str | None:
    """None if a TCP connection opens within the limit, else why not. The name lookup runs
    in a thread too: without a network it may hang longer than the socket's timeout."""
    outcome: list[str | None] = []

    def connect() -> None:
        try:
            with socket.create_connection((host, port), timeout=CHECK_SECONDS):
                outcome.append(None)
        except OSError as error:
            outcome.append(f"{host}:{port} is not reachable ({error})")

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(CHECK_SECONDS)
    if not outcome:
        return f"{host}:{port} did not answer within {CHECK_SECONDS:g} s"
    return outcome[0]


def test_the_real_kolada_answers_population_for_ale_and_the_country(settings):
    reason = _reachable(HOST)
    if reason:
        pytest.skip(f"no network to the real Kolada: {reason}")
    settings.STATISTICS_TIMEOUT_SECONDS = 20.0
    observations = KoladaClient(base_url=KOLADA).fetch("N01951", ["1440", "0000"])  # inhabitants
    assert {o.area_code for o in observations} == {"1440", "0000"}
    ale = [o for o in observations if o.area_code == "1440" and o.status != ValueStatus.MISSING]
    assert ale and all(o.value and o.value > 20000 for o in ale)
