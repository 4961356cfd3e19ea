"""Benefit register (nyttoregister): each initiative's expected benefits, their owners and follow-ups."""
