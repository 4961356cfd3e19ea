"""factory_boy factories for the portal's models."""

from __future__ import annotations

import datetime as dt
import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.utils import timezone

from clusters.models import (
    Cluster,
    ClusterMembership,
    ClusterPartner,
    Meeting,
    MeetingParticipant,
    Need,
    RosterEntry,
    RosterRole,
)
from innocities.accounts.models import User
from municipalities.models import (
    Country,
    County,
    Helix,
    Municipality,
    MunicipalityMembership,
    MunicipalityRole,
    Organisation,
)
from programs.models import (
    ActivityKind,
    ActivityTemplate,
    Milestone,
    ModuleTemplate,
    Program,
    ProgramModule,
    ProgramStatus,
    ProgramTemplate,
    ProgramTemplateModule,
    ProgressStatus,
    ProgressUpdate,
    Task,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    full_name = factory.Faker("name", locale="sv_SE")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def totp_authenticator(user: User, secret: str | None = None) -> Authenticator:
    """An authenticator app (allauth's TOTP) for ``user``, with a new secret unless given, and
    recovery codes, as setting one up in allauth's pages gives."""
    RecoveryCodes.activate(user)
    return TOTP.activate(user, secret or generate_totp_secret()).instance


def totp_code_for(secret: str, *, steps: int = 0) -> str:
    """The code an authenticator app with ``secret`` shows now (``steps`` periods of 30 s
    later or, negative, earlier: the portal accepts one step either side)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps))


def totp_code(user: User, *, steps: int = 0) -> str:
    """The code ``user``'s authenticator app shows now (see ``totp_code_for``)."""
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return totp_code_for(decrypt(totp.data["secret"]), steps=steps)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("country", "code")

    country = Country.SWEDEN
    code = "14"
    name = "Västra Götalands län"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    country = Country.SWEDEN
    county = factory.SubFactory(CountyFactory)
    # 8000–9999 is no real kommunkod, so factories never collide with the test world's codes.
    code = factory.Sequence(lambda n: f"{8000 + n % 2000}")
    name = factory.Sequence(lambda n: f"Kommun {n}")
    skr_group = "C7"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    helix = Helix.BUSINESS


class MunicipalityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalityMembership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = MunicipalityRole.COORDINATOR


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cluster {n}")
    theme = "Smart mobility"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))


class ClusterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMembership

    cluster = factory.SubFactory(ClusterFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=300))


class ClusterPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterPartner

    cluster = factory.SubFactory(ClusterFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    contribution = "Test beds and expertise"
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)
    role = RosterRole.PROGRAMME_MANAGER
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=300))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    cluster = factory.SubFactory(ClusterFactory)
    title = factory.Sequence(lambda n: f"Cluster meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    location = "Stadshuset"
    agenda = "1. Welcome\n2. Shared needs"


class MeetingParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingParticipant

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    title = factory.Sequence(lambda n: f"Need {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class ModuleTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleTemplate

    class Params:
        name = None  # one name in every language: ModuleTemplateFactory(name="…")

    code = factory.Sequence(lambda n: f"module-{n}")
    name_en = factory.LazyAttributeSequence(lambda o, n: o.name or f"Module {n}")
    name_sv = factory.SelfAttribute("name_en")
    name_nb = factory.SelfAttribute("name_en")
    duration_days = 180


class ActivityTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityTemplate

    module = factory.SubFactory(ModuleTemplateFactory)

    class Params:
        title = None  # one title in every language
        description = ""

    kind = ActivityKind.TASK
    title_en = factory.LazyAttributeSequence(lambda o, n: o.title or f"Activity {n}")
    title_sv = factory.SelfAttribute("title_en")
    title_nb = factory.SelfAttribute("title_en")
    description_en = factory.SelfAttribute("description")
    description_sv = factory.SelfAttribute("description")
    description_nb = factory.SelfAttribute("description")
    offset_days = 0
    duration_days = 14


class ProgramTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTemplate

    class Params:
        name = None  # one name in every language

    name_en = factory.LazyAttributeSequence(lambda o, n: o.name or f"Template {n}")
    name_sv = factory.SelfAttribute("name_en")
    name_nb = factory.SelfAttribute("name_en")
    duration_months = 36


class ProgramTemplateModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTemplateModule

    template = factory.SubFactory(ProgramTemplateFactory)
    module = factory.SubFactory(ModuleTemplateFactory)
    position = factory.Sequence(lambda n: n + 1)


def starter_year_template() -> ProgramTemplate:
    """A one-year programme template with one module: a workshop task and a milestone (what
    the tests of setting up a programme choose)."""
    module = ModuleTemplateFactory(name="Strategy and roadmap")
    ActivityTemplateFactory(module=module, title="Roadmap workshop", offset_days=5)
    ActivityTemplateFactory(
        module=module, kind=ActivityKind.MILESTONE, title="Roadmap adopted", duration_days=0
    )
    template = ProgramTemplateFactory(name="Starter year", duration_months=12)
    ProgramTemplateModuleFactory(template=template, module=module, position=1)
    return template


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.LazyAttribute(lambda o: f"{o.municipality.name} programme")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=90))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=3 * 365))
    status = ProgramStatus.ACTIVE


class ProgramModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramModule

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Programme module {n}")
    position = factory.Sequence(lambda n: n + 1)
    starts_on = factory.LazyAttribute(lambda o: o.program.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.program.starts_on + dt.timedelta(days=180))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    program = factory.SubFactory(ProgramFactory)
    author = factory.SubFactory(UserFactory)
    status = ProgressStatus.ON_TRACK
    proposed_status = ProgressStatus.ON_TRACK
    achieved = "Held the kick-off workshop."
