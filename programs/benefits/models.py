"""Benefit register (nyttoregister): each initiative's expected benefits, their owners and follow-ups."""

from __future__ import annotations
