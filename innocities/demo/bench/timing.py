"""Timing under gunicorn: log in through the real form, then each page against ``/healthz/``."""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from innocities.demo.bench import PERSONA_ADDRESSES, PERSONAS, BenchError
from innocities.demo.partnership import DEMO_PASSWORD, DEMO_TOTP_SECRET

HEALTHZ = "/healthz/"
RATE_LIMITED = (
    " (429: the page allows 20 requests a minute per address; time it with at most 18, "
    "BENCH_REQUESTS plus the 2 to warm up)"
)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf(html: str) -> str:
    found = CSRF_FIELD.search(html)
    if found is None:
        raise BenchError("no CSRF token in the form")
    return found.group(1)


def totp_codes(secret: str = DEMO_TOTP_SECRET) -> list[str]:
    """The codes an authenticator app shows now and one step either side (allauth accepts a
    code once per person, so a second login in the same 30 s takes the next one)."""
    step = int(time.time()) // 30
    return [format_hotp_value(hotp_value(secret, step + shift)) for shift in (0, 1, -1)]


def log_in(client: httpx.Client, email: str) -> None:
    """Through allauth's form as a person does it: the password, then a code if asked."""
    login_url = reverse("account_login")
    page = client.get(login_url)
    answer = client.post(
        login_url,
        data={"login": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": str(page.url)},
    )
    if answer.status_code != 302:
        raise BenchError(f"{email}: the login form answered {answer.status_code}")
    target = answer.headers["location"]
    if target.startswith(reverse("mfa_authenticate")):
        step = client.get(target)
        for code in totp_codes():
            answer = client.post(
                target,
                data={"code": code, "csrfmiddlewaretoken": _csrf(step.text)},
                headers={"Referer": str(step.url)},
            )
            if answer.status_code == 302:
                break
            step = answer
        else:
            raise BenchError(f"{email}: no code was accepted")
    if client.get(reverse("portal:dashboard")).status_code != 200:
        raise BenchError(f"{email}: logged in, but the dashboard does not answer 200")


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest rank: with 15 samples, p95 is the slowest."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(len(ordered) * share)) - 1]


def _timed(client: httpx.Client, path: str) -> tuple[float, int]:
    """Milliseconds to the last byte (a new connection each time: gunicorn's sync workers
    close it after every response, for the page and /healthz/ alike)."""
    started = time.perf_counter()
    response = client.get(path)
    response.read()
    return (time.perf_counter() - started) * 1000, response.status_code


def _time_page(
    client: httpx.Client, plain: httpx.Client, path: str, *, requests: int, warmup: int
) -> dict[str, Any]:
    for _ in range(warmup):
        _timed(client, path)
        _timed(plain, HEALTHZ)
    page_ms: list[float] = []
    healthz_ms: list[float] = []
    statuses: set[int] = set()
    for _ in range(requests):
        elapsed, status = _timed(client, path)
        page_ms.append(elapsed)
        statuses.add(status)
        healthz_ms.append(_timed(plain, HEALTHZ)[0])
    return {
        "p50_ms": round(statistics.median(page_ms), 1),
        "p95_ms": round(percentile(page_ms, 0.95), 1),
        "healthz_p50_ms": round(statistics.median(healthz_ms), 2),
        "healthz_ms": healthz_ms,
        "statuses": sorted(statuses),
    }


def time_pages(
    base: str,
    pages: list[dict[str, Any]],
    *,
    requests: int,
    warmup: int,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Each page ``requests`` times after ``warmup``, each request followed by one to
    /healthz/ (from a client without a session), as the persona the page was found for."""
    results: dict[str, dict[str, Any]] = {}
    all_healthz: list[float] = []
    errors: list[str] = []
    by_persona: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        by_persona.setdefault(page["persona"], []).append(page)
    with httpx.Client(base_url=base, timeout=120) as plain:
        for persona, persona_pages in by_persona.items():
            started = time.perf_counter()
            transport = httpx.HTTPTransport(local_address=PERSONA_ADDRESSES[persona])
            with httpx.Client(base_url=base, timeout=120, transport=transport) as client:
                email = PERSONAS[persona]
                if email is not None:
                    log_in(client, email)
                for page in persona_pages:
                    timing = _time_page(
                        client, plain, page["path"], requests=requests, warmup=warmup
                    )
                    all_healthz += timing.pop("healthz_ms")
                    timing["status_ok"] = timing["statuses"] == [200]
                    if not timing["status_ok"]:
                        errors.append(
                            f"{page['label']} as {persona}: answered {timing['statuses']} "
                            "on the server" + (RATE_LIMITED if 429 in timing["statuses"] else "")
                        )
                    results[f"{page['label']} | {persona}"] = timing
            took = time.perf_counter() - started
            say(f"    {persona}: {len(persona_pages)} pages in {took:.0f} s")
    return {
        "pages": results,
        "healthz_p50_ms": round(statistics.median(all_healthz), 2) if all_healthz else None,
        "errors": errors,
    }
