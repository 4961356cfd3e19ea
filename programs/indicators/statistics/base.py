"""What both clients share: the observation they answer, the error they raise, the HTTP
client and the reading of periods."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings

from programs.indicators.models import VALUE_DIGITS, VALUE_PLACES, ValueStatus

# Never more pages than this from one question: a source that keeps answering "next" is broken.
MAX_PAGES = 50
ERROR_BODY_CHARS = 200


class StatisticsError(Exception):
    """The source could not be read; the message says why, for the failure record."""


@dataclass(frozen=True)
class Observation:
    """One figure as the source gave it: ``value`` is None when the source has none."""

    area_code: str
    source_period: str
    period: dt.date
    value: Decimal | None
    status: str  # ValueStatus

    def __post_init__(self) -> None:
        # A missing value is missing, whatever status the source put next to it.
        if self.value is None and self.status != ValueStatus.MISSING:
            object.__setattr__(self, "status", ValueStatus.MISSING)


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[KQ]([1-4])$")
_MONTH = re.compile(r"^(\d{4})M(\d{2})$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_TERTIAL = re.compile(r"^(\d{4})T([1-3])$")


def parse_period(text: str) -> dt.date | None:
    """The first day of a period as Kolada and SSB name them: ``2024``, ``2024K1`` (SSB's
    quarters), ``2024M03``, ``2024H2``, ``2024T1``. None for a period the portal cannot
    place (weeks, school years such as ``2023-2024``): such figures are skipped."""
    text = str(text).strip()
    if match := _YEAR.match(text):
        return dt.date(int(match[1]), 1, 1)
    if match := _QUARTER.match(text):
        return dt.date(int(match[1]), 3 * (int(match[2]) - 1) + 1, 1)
    if match := _MONTH.match(text):
        month = int(match[2])
        return dt.date(int(match[1]), month, 1) if 1 <= month <= 12 else None
    if match := _HALF.match(text):
        return dt.date(int(match[1]), 6 * (int(match[2]) - 1) + 1, 1)
    if match := _TERTIAL.match(text):
        return dt.date(int(match[1]), 4 * (int(match[2]) - 1) + 1, 1)
    return None


_LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)
_QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)


def to_decimal(raw: Any) -> Decimal | None:
    """A JSON number as the value the database stores (three decimals); None stays None.

    Raises ``StatisticsError`` for anything that is not a number or does not fit the column.
    """
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise StatisticsError(f"unexpected value {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as error:
        raise StatisticsError(f"unexpected value {raw!r}") from error
    if not value.is_finite() or abs(value) >= _LIMIT:
        raise StatisticsError(f"value out of range: {raw!r}")
    return value.quantize(_QUANTUM)


def http_client() -> httpx.Client:
    """A client with the configured timeout, asking for JSON; redirects are not followed (a
    statistics API that redirects elsewhere is misconfigured, and we say so)."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.STATISTICS_TIMEOUT_SECONDS),
        headers={"Accept": "application/json", "User-Agent": "Innocities portal"},
        follow_redirects=False,
    )


def read_json(client: httpx.Client, method: str, url: str, **kwargs: Any) -> Any:
    """Send the request and answer the parsed JSON body, or raise ``StatisticsError``."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as error:
        raise StatisticsError(
            f"no answer within {settings.STATISTICS_TIMEOUT_SECONDS:g} s from {url}"
        ) from error
    except httpx.HTTPError as error:
        raise StatisticsError(f"could not reach {url}: {error}") from error
    if response.status_code != 200:
        body = " ".join(response.text.split())[:ERROR_BODY_CHARS]
        raise StatisticsError(f"HTTP {response.status_code} from {url}: {body}".strip())
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise StatisticsError(f"the answer from {url} is not JSON") from error
