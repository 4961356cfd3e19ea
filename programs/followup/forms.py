from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from innocities.core.forms import TEXT_MAX, DateInput
from programs.followup.models import ActionItem
from programs.followup.selectors import action_item_owners
from programs.models import ItemStatus


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=TEXT_MAX * 4,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        help_text=_(
            "Someone with a programme in the cluster gets it as a task there; anyone else as a "
            "task of the cluster."
        ),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)

    def __init__(
        self, *args: Any, cluster: Cluster, item: ActionItem | None = None, **kwargs: Any
    ) -> None:
        if item is not None:
            kwargs.setdefault(
                "initial", {"text": item.text, "owner": item.owner_id, "due_on": item.due_on}
            )
        super().__init__(*args, **kwargs)
        include = [item.owner_id] if item is not None else []
        self.fields["owner"].queryset = action_item_owners(cluster, include=include)  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.email
        )


class ClusterTaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
