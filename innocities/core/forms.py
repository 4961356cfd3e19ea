"""What every app's forms and form views share: the date widget, and calling a service from
a view so that a refusal lands on the form instead of becoming a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import IntegrityError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

T = TypeVar("T")

TEXT_MAX = 5000  # generous for a progress report, small enough to refuse pasted documents


def limit_length(field: forms.Field, max_length: int = TEXT_MAX) -> None:
    """At most ``max_length`` characters in a field already made (a model form's): setting
    ``max_length`` afterwards adds no validator by itself, so the validator and the browser's
    ``maxlength`` are added here too."""
    field.max_length = max_length  # type: ignore[attr-defined]
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)


def at_least(field: forms.Field, min_value: int) -> None:
    """A lower bound on a number field already made, enforced as well as shown."""
    field.min_value = min_value  # type: ignore[attr-defined]
    field.validators.append(MinValueValidator(min_value))
    field.widget.attrs["min"] = str(min_value)


class DateInput(forms.DateInput):
    """The browser's date picker. It always speaks ISO 8601, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker. Django reads and shows the value in the active
    time zone, which the middleware sets from the person's profile."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def concurrent_edit_message() -> str:
    return _("Someone else changed this at the same moment. Reload the page and try again.")


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form.

    Errors for fields the form has go to those fields; the rest (constraints, fields the form
    does not show) become form-wide errors, so they are never lost or turned into a 500.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data on POST, None on GET: an empty POST still binds, so it shows its errors."""
    return request.POST if request.method == "POST" else None


def call_service(form: forms.Form, service: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Run a service for a form view; on refusal put the reason on ``form`` and return None.

    ``IntegrityError`` means a database constraint caught what the service's own check could
    not see yet (two people saving the same thing at once); the service's transaction is
    rolled back, and the person gets a message on the form with what they wrote, not a 500.
    """
    try:
        return service(**kwargs)
    except ValidationError as error:
        add_service_error(form, error)
    except IntegrityError:
        form.add_error(None, concurrent_edit_message())
    return None


def call_service_or_message(
    request: HttpRequest, service: Callable[..., object], /, **kwargs: Any
) -> bool:
    """Run a service for a view without a form (a button); say whether it succeeded. A
    refusal becomes an error message on the next page, as a concurrent edit does."""
    try:
        service(**kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except IntegrityError:
        messages.error(request, concurrent_edit_message())
    else:
        return True
    return False
