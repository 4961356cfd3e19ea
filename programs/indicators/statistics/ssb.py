"""SSB (Statistics Norway): StatBank tables through PxWebApi v2, by kommunenummer.

``POST {SSB_BASE_URL}/tables/{table}/data?lang=en&outputFormat=json-stat2`` with
``{"selection": [{"variableCode": "Region", "valueCodes": ["0301", "0"]},
{"variableCode": "ContentsCode", "valueCodes": ["Personer1"]},
{"variableCode": "Tid", "valueCodes": ["top(20)"]}, …]}`` answers a JSON-stat 2.0 dataset:
``id`` and ``size`` list the dimensions in order, ``dimension[id].category.index`` places each
code, ``value`` is the flat row-major list of figures (null where SSB has none; it may also be
an object of index → value), and ``status`` marks figures with SSB's symbols (".." not
available, "..." not yet available, ":" confidential, "." not applicable). "0" is the whole
country (Hele landet) in SSB's regional tables.

Every other variable of the table must be fixed to one value (``Indicator.ssb_filters``): an
answer with more than one value in another dimension than region and time is refused, as
the figure would be ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from typing import Any

from django.conf import settings

from programs.indicators.models import ValueStatus
from programs.indicators.statistics.base import (
    Observation,
    StatisticsError,
    http_client,
    parse_period,
    read_json,
    to_decimal,
)

SSB_COUNTRY = "0"
CONTENTS = "ContentsCode"
TIME = "Tid"
LATEST_PERIODS = 20
# Status symbols SSB puts on a figure it publishes as preliminary (the value is given).
PRELIMINARY_SYMBOLS = frozenset({"p", "P", "*"})


def ssb_status(symbol: str | None, value: object) -> str:
    if value is None:
        return ValueStatus.MISSING
    if symbol in PRELIMINARY_SYMBOLS:
        return ValueStatus.PRELIMINARY
    return ValueStatus.FINAL


def _index(dimension: Any, name: str, url: str) -> list[str]:
    """A dimension's codes in their order."""
    try:
        index = dimension["category"]["index"]
    except (KeyError, TypeError) as error:
        raise StatisticsError(f"unexpected answer from {url}: no index for {name}") from error
    if isinstance(index, list):
        return [str(code) for code in index]
    if isinstance(index, dict):
        return [str(code) for code, _pos in sorted(index.items(), key=lambda item: item[1])]
    raise StatisticsError(f"unexpected answer from {url}: bad index for {name}")


def _cell(container: Any, position: int) -> Any:
    """``value`` or ``status`` at a flat position: JSON-stat allows a list, an object keyed by
    the position, or (for status) one string for every cell."""
    if container is None:
        return None
    if isinstance(container, str):
        return container
    if isinstance(container, list):
        return container[position] if position < len(container) else None
    if isinstance(container, dict):
        return container.get(str(position))
    return None


def parse_dataset(answer: Any, *, region_variable: str, url: str) -> list[Observation]:
    """The figures of a JSON-stat 2.0 dataset, one per region and time period."""
    if not isinstance(answer, dict) or answer.get("class") != "dataset":
        raise StatisticsError(f"unexpected answer from {url}: not a JSON-stat dataset")
    ids, sizes, dimensions = answer.get("id"), answer.get("size"), answer.get("dimension")
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or not isinstance(dimensions, dict)
        or len(ids) != len(sizes)
    ):
        raise StatisticsError(f"unexpected answer from {url}: no dimensions")
    time_ids = (answer.get("role") or {}).get("time") or [TIME]
    time = time_ids[0]
    if region_variable not in ids or time not in ids:
        raise StatisticsError(
            f"unexpected answer from {url}: no {region_variable} or {time} dimension"
        )
    codes = {name: _index(dimensions.get(name), name, url) for name in ids}
    for name, size in zip(ids, sizes, strict=True):
        if len(codes[name]) != size:
            raise StatisticsError(f"unexpected answer from {url}: size of {name} does not match")
        if name not in (region_variable, time) and size != 1:
            raise StatisticsError(
                f"the selection is ambiguous: {name} has {size} values in table answer {url}"
            )
    strides = [1] * len(ids)
    for i in range(len(ids) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    values, statuses = answer.get("value"), answer.get("status")
    if not isinstance(values, (list, dict)):
        raise StatisticsError(f"unexpected answer from {url}: no values")
    observations = []
    for positions in product(*(range(size) for size in sizes)):
        flat = sum(p * s for p, s in zip(positions, strides, strict=True))
        by_name = {name: codes[name][p] for name, p in zip(ids, positions, strict=True)}
        source_period = by_name[time]
        period = parse_period(source_period)
        if period is None:
            continue
        value = to_decimal(_cell(values, flat))
        symbol = _cell(statuses, flat)
        observations.append(
            Observation(
                area_code=by_name[region_variable],
                source_period=source_period,
                period=period,
                value=value,
                status=ssb_status(symbol if isinstance(symbol, str) else None, value),
            )
        )
    return observations


class SsbClient:
    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.SSB_BASE_URL).rstrip("/")

    def fetch(
        self,
        table: str,
        contents_code: str,
        area_codes: Iterable[str],
        *,
        region_variable: str = "Region",
        filters: dict[str, str] | None = None,
    ) -> list[Observation]:
        """The latest periods of one contents code of ``table`` for these kommunenummer."""
        url = f"{self.base_url}/tables/{table}/data"
        selection = [
            {"variableCode": region_variable, "valueCodes": sorted(set(area_codes))},
            {"variableCode": CONTENTS, "valueCodes": [contents_code]},
            {"variableCode": TIME, "valueCodes": [f"top({LATEST_PERIODS})"]},
        ]
        selection += [
            {"variableCode": variable, "valueCodes": [code]}
            for variable, code in sorted((filters or {}).items())
        ]
        with http_client() as client:
            answer = read_json(
                client,
                "POST",
                url,
                params={"lang": "en", "outputFormat": "json-stat2"},
                json={"selection": selection},
            )
        return parse_dataset(answer, region_variable=region_variable, url=url)
