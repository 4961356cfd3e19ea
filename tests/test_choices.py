"""Every model's ``get_FOO_display`` (innocities.core.choices) answers as Django's own."""

from __future__ import annotations

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from innocities.core import choices
from programs.models import ItemStatus, Task


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


def test_every_field_with_choices_has_the_quick_display():
    fields = list(_fields_with_choices())
    assert len(fields) > 50  # the portal's, the libraries' and the history models'
    for model, field in fields:
        name = f"get_{field.name}_display"
        owner = next(klass for klass in model.__mro__ if name in klass.__dict__)
        method = owner.__dict__[name]
        assert isinstance(method, partialmethod), (model, field.name)
        assert method.func is choices.get_field_display, (model, field.name)


@pytest.mark.parametrize("language", ["sv", "en", "nb"])
def test_every_label_is_djangos_in_every_language(language):
    with translation.override(language):
        for model, field in _fields_with_choices():
            instance = model.__new__(model)
            for value, _label in [*field.flatchoices, ("not-a-choice", None), (None, None)]:
                instance.__dict__[field.attname] = value
                assert choices.get_field_display(instance, field) == (
                    Model._get_FIELD_display(instance, field)
                ), (model, field.name, value)


def test_the_label_follows_the_language_active_when_it_is_read():
    task = Task(status=ItemStatus.DONE)
    with translation.override("en"):
        english = task.get_status_display()
    with translation.override("sv"):
        swedish = task.get_status_display()
    assert english != swedish
    assert isinstance(english, str) and isinstance(swedish, str)
