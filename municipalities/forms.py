from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from innocities.accounts.models import User
from municipalities.models import Municipality, MunicipalityRole


class MembershipGrantForm(forms.Form):
    """Appoint a coordinator or viewer: an existing account by e-mail, or invite a new person."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Needed only to invite someone who has no account yet."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MunicipalityRole.choices)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=User._meta.get_field("language").choices,
        initial="sv",
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class BenchmarkSharingForm(forms.Form):
    """On or off, as two explicit choices: a checkbox cannot tell "off" from a lost field."""

    share = forms.TypedChoiceField(
        label=_("Benchmarking in the municipality's clusters"),
        choices=[
            ("yes", _("Share: other members see our name, scores and programme progress")),
            ("no", _("Do not share: we count only in the cluster's mean and median")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class InviteForm(forms.Form):
    """Invite a person, and optionally give them a role in a municipality right away.

    The municipality choices are those the inviter may appoint people in, so an id outside
    them is a form error.
    """

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"),
        # Blank: the municipality's (Norwegian bokmål in Norway), else the portal's default.
        choices=[
            ("", _("The municipality's language (Swedish without one)")),
            *User._meta.get_field("language").choices,
        ],
        required=False,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("No role yet"),
        help_text=_("Optional: make the person a coordinator or viewer of a municipality."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "---------"), *MunicipalityRole.choices],
        required=False,
    )

    def __init__(
        self, *args: object, municipalities: QuerySet[Municipality], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities.order_by("name")
        if not municipalities.exists():
            del self.fields["municipality"]
            del self.fields["role"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        municipality, role = cleaned.get("municipality"), cleaned.get("role")
        if municipality and not role:
            self.add_error("role", _("Choose the role the person gets in the municipality."))
        if role and not municipality and "municipality" not in self.errors:
            self.add_error("municipality", _("Choose the municipality the role is in."))
        return cleaned
