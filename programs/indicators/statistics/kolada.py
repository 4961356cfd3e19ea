"""Kolada (RKA): key figures for Swedish municipalities, by municipality code.

``GET {KOLADA_BASE_URL}/data/kpi/{kpi}/municipality/{id,id,…}`` answers
``{"values": [{"kpi", "municipality", "period", "values": [{"gender", "status", "value",
"count"}, …]}, …], "count": n, "next_url": "…"}``: one row per municipality and year, with a
value per gender ("T" is the total, the figure we keep; "K" and "M" are women and men) and
``value`` null where Kolada has no figure. A long answer comes in pages (``page``,
``per_page``; the answer names the next one in ``next_url``, ``next_page`` in API v2). At most
25 ids may be listed in one question. "0000" is the whole country (Riket).

Kolada's ``status`` is empty for an ordinary figure; a figure Kolada marks as preliminary is
kept as preliminary; one without a value as missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from programs.indicators.models import ValueStatus
from programs.indicators.statistics.base import (
    MAX_PAGES,
    Observation,
    StatisticsError,
    http_client,
    parse_period,
    read_json,
    to_decimal,
)

KOLADA_COUNTRY = "0000"
IDS_PER_REQUEST = 25
PER_PAGE = 5000
TOTAL = "T"


def kolada_status(raw: Any, value: object) -> str:
    """Kolada's status text as ours: no value is missing; a status naming a preliminary figure
    ("P", "Preliminär", "prel") is preliminary; anything else is final."""
    if value is None:
        return ValueStatus.MISSING
    text = str(raw or "").strip().lower()
    if text == "p" or text.startswith("prel"):
        return ValueStatus.PRELIMINARY
    return ValueStatus.FINAL


def _rows(answer: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(answer, dict) or not isinstance(answer.get("values"), list):
        raise StatisticsError(f"unexpected answer from {url}: no list of values")
    rows = answer["values"]
    if not all(isinstance(row, dict) for row in rows):
        raise StatisticsError(f"unexpected answer from {url}: a value is not an object")
    return rows


def _observation(row: dict[str, Any], url: str) -> Observation | None:
    area = row.get("municipality")
    source_period = str(row.get("period", ""))
    genders = row.get("values")
    if not isinstance(area, str) or not isinstance(genders, list):
        raise StatisticsError(f"unexpected answer from {url}: a row without municipality")
    period = parse_period(source_period)
    if period is None:
        return None
    total = next((g for g in genders if isinstance(g, dict) and g.get("gender") == TOTAL), None)
    if total is None:
        # Kolada lists a row it has no total for: the figure is missing, not zero.
        return Observation(area, source_period, period, None, ValueStatus.MISSING)
    value = to_decimal(total.get("value"))
    return Observation(
        area, source_period, period, value, kolada_status(total.get("status"), value)
    )


def parse_answer(answer: Any, url: str = "a recorded answer") -> list[Observation]:
    """The observations of one Kolada data answer (one page), without asking anyone: for
    recorded answers (the demo, tests)."""
    return [o for row in _rows(answer, url) if (o := _observation(row, url)) is not None]


class KoladaClient:
    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.KOLADA_BASE_URL).rstrip("/")

    def fetch(self, kpi: str, area_codes: Iterable[str]) -> list[Observation]:
        """Every year Kolada has of ``kpi`` for these municipality codes (and "0000")."""
        codes = sorted(set(area_codes))
        observations: list[Observation] = []
        with http_client() as client:
            for start in range(0, len(codes), IDS_PER_REQUEST):
                chunk = ",".join(codes[start : start + IDS_PER_REQUEST])
                url = f"{self.base_url}/data/kpi/{kpi}/municipality/{chunk}"
                observations += self._pages(client, url)
        return observations

    def _pages(self, client: Any, url: str) -> list[Observation]:
        observations = []
        for page in range(1, MAX_PAGES + 1):
            answer = read_json(client, "GET", url, params={"page": page, "per_page": PER_PAGE})
            rows = _rows(answer, url)
            for row in rows:
                observation = _observation(row, url)
                if observation is not None:
                    observations.append(observation)
            if not rows or not (answer.get("next_url") or answer.get("next_page")):
                return observations
        raise StatisticsError(f"more than {MAX_PAGES} pages from {url}")
