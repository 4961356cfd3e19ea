from __future__ import annotations

from itertools import count

from municipalities.models import Municipality
from tests import factories as f

_codes = count(8000)


def new_municipality(**kwargs) -> Municipality:
    """A municipality with a code of its own: MunicipalityFactory's sequence reaches the
    world's codes (1440, 1441, 1489) once a test session has made forty municipalities."""
    return f.MunicipalityFactory(code=str(next(_codes)), **kwargs)
