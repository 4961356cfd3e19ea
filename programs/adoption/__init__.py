"""Adopting a peer's pilot: suggestions inside a cluster and the adoption itself."""
