from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from clusters.forms import add_service_error

T = TypeVar("T")


def call_service(form: forms.Form, service: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Run a service; on refusal put the reason on ``form`` and return None.

    IntegrityError means a database constraint caught what the service's own check could not
    see yet (two people saving the same thing at once): the person gets a message, not a 500.
    """
    try:
        return service(**kwargs)
    except ValidationError as error:
        add_service_error(form, error)
    except IntegrityError:
        form.add_error(
            None,
            _("Someone else changed this at the same moment. Reload the page and try again."),
        )
    return None


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data on POST, None on GET: an empty POST still binds, so it shows its errors."""
    return request.POST if request.method == "POST" else None
