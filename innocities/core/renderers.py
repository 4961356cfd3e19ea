"""The form renderer: Django's templates, with selects, inputs and text areas written directly.

Django draws a ``<select>`` through ``select.html``, which includes ``select_option.html``
and ``attrs.html`` for every option: about 30 µs an option. The time zones on the profile
(about 600), the municipalities on a programme form (650 at national scale) and the admin's
foreign-key selects made such a page three to six times a trivial request on their own; so
did a self-assessment's 125 radio buttons, each drawn through four nested templates. Every
text, number, date or hidden input goes through three (``text.html`` includes ``input.html``,
which includes ``attrs.html``), and a text area through two: 110 to 160 µs a widget, against
16 to 32 µs written directly. This renderer writes Django's own markup for those templates in Python,
byte for byte (a test renders both ways and compares), and leaves every other template to
Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# A radio button or checkbox drawn alone (``BoundWidget.tag``, as crispy-forms does for
# each choice): input_option.html, which includes input.html, which includes attrs.html.
INPUT_OPTION = "django/forms/widgets/input_option.html"
INPUT_OPTION_WRAPPERS = (
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
)
# The widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "search",
        "email",
        "url",
        "tel",
        "number",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "color",
        "checkbox",
        "file",
    )
)
TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: False leaves the attribute out, True writes its name alone."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"  # the template file's last line
    )


def _input(widget: Mapping[str, Any]) -> str:
    """``input.html``."""
    value = widget["value"]
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"'
        + (f' value="{conditional_escape(value)}"' if value is not None else "")
        + f"{_attrs(widget['attrs'])}>\n"
    )


def render_input_option(widget: Mapping[str, Any]) -> SafeString:
    """``input_option.html`` (or radio_option.html, checkbox_option.html, which include it):
    the input, in its label when ``wrap_label``. Stripped, as Django's renderer strips."""
    if not widget.get("wrap_label"):
        return mark_safe(_input(widget).strip())  # escaped in _input
    element_id = widget["attrs"].get("id")
    opening = f'<label for="{conditional_escape(element_id)}">' if element_id else "<label>"
    return mark_safe(  # every value is escaped
        f"{opening}{_input(widget)} {conditional_escape(widget['label'])}</label>"
    )


def render_textarea(widget: Mapping[str, Any]) -> SafeString:
    """``textarea.html``: the line break after the opening tag is the template's (a browser
    drops it)."""
    value = widget["value"]
    return mark_safe(  # every value is escaped
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def render_select(widget: Mapping[str, Any]) -> SafeString:
    """``select.html`` for a widget context whose options all use ``select_option.html``."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _plain_options(widget: Mapping[str, Any]) -> bool:
    return all(
        option["template_name"] == OPTION
        for _g, options, _i in widget["optgroups"]
        for option in options
    )


class FormRenderer(DjangoTemplates):
    """Django's template renderer; selects whose options use Django's own option template,
    radio buttons and checkboxes drawn alone, inputs and text areas are written here. (An installed app that shipped
    its own copy of these templates would be passed over: none of the portal's does.)"""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name == SELECT and _plain_options(context["widget"]):
            return render_select(context["widget"])
        if template_name == INPUT_OPTION or template_name in INPUT_OPTION_WRAPPERS:
            return render_input_option(context["widget"])
        if template_name in INPUTS:
            return mark_safe(_input(context["widget"]).strip())  # escaped in _input
        if template_name == TEXTAREA:
            return render_textarea(context["widget"])
        return super().render(template_name, context, request)
