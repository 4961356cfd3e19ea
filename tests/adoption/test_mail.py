"""The pilot's owner is told: once the adoption commits, a task e-mails the pilot's lead and
its municipality's coordinators, each in their own language. Here the task runs in the test
(eager, after the commit); test_mail_worker.py runs it in a real worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innocities import celery_app
from municipalities.models import MunicipalityRole
from programs.adoption.services import pilot_adopt
from programs.adoption.tasks import send_pilot_adopted_mail
from programs.initiatives.models import Initiative, Stage
from tests import factories as f
from tests.adoption.helpers import need, scaled_pilot


@pytest.fixture
def eager() -> Iterator[None]:
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.fixture
def owners(world):
    """Alingsås' pilot, led by Lena (English), with Olle (Swedish) as its coordinator and a
    viewer who is not told."""
    lead = f.UserFactory(email="lena@alingsas.se", full_name="Lena Lead", language="en")
    f.MunicipalityMembershipFactory(
        user=lead, municipality=world.alingsas, role=MunicipalityRole.VIEWER
    )
    coordinator = f.UserFactory(
        email="olle@alingsas.se", full_name="Olle Samordnare", language="sv"
    )
    f.MunicipalityMembershipFactory(
        user=coordinator, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    viewer = f.UserFactory(email="vide@alingsas.se", language="sv")
    f.MunicipalityMembershipFactory(
        user=viewer, municipality=world.alingsas, role=MunicipalityRole.VIEWER
    )
    return {
        "lead": lead,
        "coordinator": coordinator,
        "pilot": scaled_pilot(world.alingsas, lead=lead),
    }


def subject(language: str, pilot) -> str:
    with translation.override(language):
        return translation.gettext("%(municipality)s adopted your pilot %(title)s") % {
            "municipality": "Ale",
            "title": pilot.title,
        }


def test_adopting_e_mails_the_lead_and_the_coordinators_in_their_language(
    world, as_persona, owners, eager, mailoutbox, django_capture_on_commit_callbacks
):
    pilot = owners["pilot"]
    need(world.ale, "Smart water")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("coordinator").post(
            reverse("adoption:adopt", kwargs={"pk": pilot.pk})
        )
    assert response.status_code == 302
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == ["lena@alingsas.se", "olle@alingsas.se"]
    english, swedish = by_address["lena@alingsas.se"], by_address["olle@alingsas.se"]
    assert english.subject == f"Ale adopted your pilot {pilot.title}"
    assert swedish.subject == subject("sv", pilot)
    original = settings.SITE_URL + reverse("initiatives:detail", kwargs={"pk": pilot.pk})
    for message in (english, swedish):
        html = message.alternatives[0][0]
        assert original in message.body and f'href="{original}"' in html
        # The copy is at the concept stage: no peer view of it to link to yet.
        assert "/adoption/pilots/" not in message.body
    assert "Hello Lena," in english.body
    assert "Ale has adopted your pilot" in english.body
    assert 'lang="en"' in english.alternatives[0][0]


def test_nothing_is_sent_when_the_adoption_is_refused(
    world, as_persona, owners, eager, mailoutbox, django_capture_on_commit_callbacks
):
    pilot = owners["pilot"]
    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            as_persona("coordinator")
            .post(reverse("adoption:adopt", kwargs={"pk": pilot.pk}))
            .status_code
            == 200
        )
    assert mailoutbox == []


def test_the_task_links_the_copys_peer_view_once_the_reader_may_read_it(world, owners, mailoutbox):
    pilot = owners["pilot"]
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    Initiative.objects.filter(pk=copy.pk).update(stage=Stage.IMPLEMENTATION)
    assert send_pilot_adopted_mail(copy.pk, owners["coordinator"].pk) is True
    (message,) = mailoutbox
    assert settings.SITE_URL + reverse("adoption:pilot", kwargs={"pk": copy.pk}) in message.body


def test_the_task_sends_nothing_stale(world, owners, mailoutbox):
    pilot = owners["pilot"]
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    coordinator = owners["coordinator"]
    assert send_pilot_adopted_mail(copy.pk + 1000, coordinator.pk) is False  # no such copy
    assert send_pilot_adopted_mail(pilot.pk, coordinator.pk) is False  # not a copy
    assert (
        send_pilot_adopted_mail(copy.pk, world.viewer.pk) is False
    )  # neither lead nor coordinator
    coordinator.municipality_memberships.all().delete()
    assert send_pilot_adopted_mail(copy.pk, coordinator.pk) is False  # no longer a coordinator
    owners["lead"].is_active = False
    owners["lead"].save()
    assert send_pilot_adopted_mail(copy.pk, owners["lead"].pk) is False  # left
    assert mailoutbox == []
