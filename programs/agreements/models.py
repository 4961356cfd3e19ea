"""Pilot agreements (pilotavtal): what partners agree before a pilot, and the signed copy."""

from __future__ import annotations
