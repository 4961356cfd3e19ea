"""Cluster pages: the list and detail (``pages``), roster editing (``roster``), meetings
(``meetings``). Every view fetches the cluster through ``innocities.core.permissions``."""
