from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innocities.accounts.models import User
from municipalities.models import MunicipalityRole


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
