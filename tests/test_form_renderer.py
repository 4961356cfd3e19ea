"""The form renderer writes a select exactly as Django's templates do, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from innocities.core.renderers import FormRenderer

pytestmark = pytest.mark.django_db

GROUPED = [
    ("", "---------"),
    ("Sverige", [("1", "Ale"), ("2", "Åre & Krokom"), ("3", mark_safe("<b>Bold</b>"))]),
    ("Norge <øst>", [("4", 'Hamar "by"'), ("5", "Ås")]),
]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A"), ("b", "<B>")], required=False)
    grouped = forms.ChoiceField(choices=GROUPED, help_text="Pick one")
    several = forms.MultipleChoiceField(choices=GROUPED, required=False)
    flagged = forms.ChoiceField(
        choices=[(1, "One"), (2, "Two")],
        widget=forms.Select(attrs={"disabled": True, "data-x": "'q'", "hidden": False}),
    )
    numbers = forms.TypedChoiceField(choices=[(None, "none"), (0, "zero"), (1.5, "one and a half")])
    radios = forms.ChoiceField(
        choices=GROUPED[1:], widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "<X>"), ("y", mark_safe("<i>Y</i>"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unlabelled = forms.ChoiceField(choices=[("", "–"), ("1", "Ett")], widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "plain": "b",
            "grouped": "2",
            "several": ["1", "5"],
            "flagged": "2",
            "numbers": "0",
            "radios": "4",
            "boxes": ["x", "y"],
            "unlabelled": "",
        },
        {"grouped": "no such", "several": ["3"], "radios": "<script>", "boxes": ["z"]},
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_every_select_is_the_markup_djangos_templates_write(data: dict | None, auto_id) -> None:
    ours = Everything(data, renderer=FormRenderer(), auto_id=auto_id)
    django = Everything(data, renderer=DjangoTemplates(), auto_id=auto_id)
    for name in Everything.base_fields:
        assert str(ours[name]) == str(django[name]), name
        # Each choice drawn alone, as crispy-forms draws radio buttons and checkboxes.
        for mine, theirs in zip(ours[name].subwidgets, django[name].subwidgets, strict=True):
            assert mine.tag() == theirs.tag(), name
            assert mine.tag(wrap_label=True) == theirs.tag(wrap_label=True), name
            assert str(mine) == str(theirs), name


def test_the_portal_renders_forms_with_it() -> None:
    assert settings.FORM_RENDERER == "innocities.core.renderers.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


def test_a_select_with_its_own_option_template_is_left_to_django() -> None:
    class Own(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    widget = Own(choices=[("a", "A")])
    html = widget.render("x", "a", renderer=FormRenderer())
    assert html == widget.render("x", "a", renderer=DjangoTemplates())
    assert "<option" not in html


WIDGETS = [
    forms.TextInput(attrs={"placeholder": 'Åsa "Ö" <b>', "required": True, "hidden": False}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.TelInput(),
    forms.SearchInput(attrs={"list": "themes", "autocomplete": "off"}),
    forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    forms.PasswordInput(render_value=True),
    forms.PasswordInput(),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateTimeInput(),
    forms.TimeInput(),
    forms.ColorInput(),
    forms.CheckboxInput(attrs={"class": "form-check-input"}),
    forms.FileInput(),
    forms.Textarea(attrs={"rows": 3, "aria-describedby": "help err"}),
]
VALUES = [None, "", "Plain", '<script>"&"</script>\nRad två', mark_safe("<i>safe</i>"), 0, 12.5]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
def test_every_input_and_text_area_is_the_markup_djangos_templates_write(widget) -> None:
    import datetime as dt

    for value in [*VALUES, dt.date(2026, 3, 4), True, False]:
        for attrs in (None, {"id": "id_x", "class": "form-control is-invalid"}):
            ours = widget.render("field", value, attrs=attrs, renderer=FormRenderer())
            djangos = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
            assert ours == djangos, (value, attrs)


def test_the_forms_inputs_are_drawn_without_djangos_templates(monkeypatch) -> None:
    """The renderer writes inputs and text areas itself: no template is asked for them."""
    asked: list[str] = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        asked.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    renderer = FormRenderer()
    forms.TextInput().render("a", "x", renderer=renderer)
    forms.Textarea().render("b", "y", renderer=renderer)
    forms.NumberInput().render("c", 1, renderer=renderer)
    assert asked == []
