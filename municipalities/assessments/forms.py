from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocities.accounts.models import User
from innocities.core.forms import DateInput
from municipalities.assessments.models import LevelDescription, Question, RespondentRole


class RoundOpenForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DateInput())


class RespondentForm(forms.Form):
    """Pick one of the municipality's people, or give an e-mail address to invite someone."""

    user = forms.ModelChoiceField(
        label=_("Person in the municipality"), queryset=User.objects.none(), required=False
    )
    email = forms.EmailField(label=_("…or invite by e-mail"), required=False, max_length=254)
    full_name = forms.CharField(label=_("Name (for a new person)"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Respondent role"), choices=RespondentRole.choices)

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            bool(cleaned.get("user")) == bool(cleaned.get("email"))
            and "email" not in self.errors
            and "user" not in self.errors
        ):
            raise forms.ValidationError(_("Choose a person or give an e-mail address, not both."))
        return cleaned


LEVEL_CHOICES = [(str(level), str(level)) for level in range(1, 6)]


class AnswerForm(forms.Form):
    """One radio (1–5) and one comment per question; fields ``q<id>`` and ``c<id>``."""

    def __init__(
        self, *args, questions: list[Question], initial_answers: dict | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        initial_answers = initial_answers or {}
        self.questions = questions
        for question in questions:
            level, comment = initial_answers.get(question.pk, (None, ""))
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=str(level) if level else None,
            )
            self.fields[f"c{question.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                initial=comment,
            )

    def answers(self) -> dict[int, tuple[int | None, str]]:
        return {
            q.pk: (self.cleaned_data.get(f"q{q.pk}"), self.cleaned_data.get(f"c{q.pk}") or "")
            for q in self.questions
        }

    def sections(self, dimensions, levels: dict[int, list[LevelDescription]]) -> list[dict]:
        """Per dimension: its level descriptions and its (question, radio, comment) rows."""
        by_dimension: dict[int, list] = {}
        for q in self.questions:
            by_dimension.setdefault(q.dimension_id, []).append(
                (q, self[f"q{q.pk}"], self[f"c{q.pk}"])
            )
        return [
            {"dimension": d, "levels": levels.get(d.pk, []), "rows": by_dimension.get(d.pk, [])}
            for d in dimensions
        ]
