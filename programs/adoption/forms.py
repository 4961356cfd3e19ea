"""The adopt button's form: which municipality adopts the pilot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality


class AdoptForm(forms.Form):
    """``municipalities`` are those the person may adopt for (``permissions.adopters_for``).
    With only one, the button needs no choice: it adopts for that one."""

    municipality = forms.ModelChoiceField(
        label=_("Adopt for"),
        queryset=Municipality.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("You cannot adopt this pilot for that municipality.")},
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        municipalities: QuerySet[Municipality],
        **kwargs: Any,
    ) -> None:
        choices = list(municipalities)
        if data is not None and not data.get("municipality") and len(choices) == 1:
            data = data.copy()
            data["municipality"] = str(choices[0].pk)
        super().__init__(data, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
