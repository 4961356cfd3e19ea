"""Clients for the open statistics behind indicators: Kolada (Swedish municipalities) and SSB
(Norwegian ones).

Each client fetches one key figure for some areas and answers ``Observation`` rows, or raises
``StatisticsError`` with a message fit for the failure record: a timeout, an answer other than
200, a body that is not JSON or not of the expected shape. Nothing here touches the database.
Base URLs and the timeout come from settings (``KOLADA_BASE_URL``, ``SSB_BASE_URL``,
``STATISTICS_TIMEOUT_SECONDS``), so tests point them at a local server.
"""

from __future__ import annotations

from programs.indicators.statistics.base import Observation, StatisticsError, parse_period
from programs.indicators.statistics.kolada import KOLADA_COUNTRY, KoladaClient
from programs.indicators.statistics.ssb import SSB_COUNTRY, SsbClient

__all__ = [
    "KOLADA_COUNTRY",
    "SSB_COUNTRY",
    "KoladaClient",
    "Observation",
    "SsbClient",
    "StatisticsError",
    "parse_period",
]
