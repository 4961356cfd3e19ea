"""Lessons learned (lärdomar): what one municipality learned, shared as far as its writer chooses."""

from __future__ import annotations
