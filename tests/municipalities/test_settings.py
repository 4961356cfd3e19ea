"""A municipality's settings page: benchmark sharing on or off, who may change it, and the
record of who did."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusters.models import MembershipStatus
from municipalities.models import Municipality
from municipalities.selectors import share_benchmarks_history
from municipalities.services import municipality_share_benchmarks

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def settings_url(municipality) -> str:
    return reverse("municipalities:settings", kwargs={"pk": municipality.pk})


def shares(municipality) -> bool:
    return Municipality.objects.get(pk=municipality.pk).share_benchmarks


# --- the page ----------------------------------------------------------------------------


def test_coordinator_sees_the_setting_and_what_sharing_means(world, as_persona):
    response = as_persona("coordinator").get(settings_url(world.ale))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ale does not share its benchmarks." in html
    assert "What sharing means" in html
    assert "count only in the cluster&#x27;s mean and median" in html
    assert "at least 3 municipalities contribute" in html
    assert response.context["form"].initial == {"share": "no"}
    assert "never been changed" in html


def test_coordinator_turns_sharing_on_and_the_change_is_recorded(world, as_persona):
    client = as_persona("coordinator")
    response = client.post(settings_url(world.ale), {"share": "yes"})
    assert response.status_code == 302
    assert response["Location"] == settings_url(world.ale)
    assert shares(world.ale) is True
    record = world.ale.history.latest()
    assert (record.history_user, record.share_benchmarks) == (world.coordinator, True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ale now shares its benchmarks with its clusters."
    ]
    html = client.get(settings_url(world.ale)).content.decode()
    assert "Ale shares its benchmarks with the other members of its clusters." in html
    assert "sharing turned on by Cora Coordinator" in html


def test_sharing_is_turned_off_again_and_both_changes_are_listed(world, as_persona):
    client = as_persona("coordinator")
    client.post(settings_url(world.ale), {"share": "yes"})
    response = as_persona("manager").post(settings_url(world.ale), {"share": "no"}, follow=True)
    assert shares(world.ale) is False
    assert "Ale no longer shares its benchmarks." in response.content.decode()
    changes = share_benchmarks_history(world.ale)
    assert [(c.who, c.share_benchmarks) for c in changes] == [
        (world.manager, False),
        (world.coordinator, True),
    ]


def test_saving_the_value_it_already_has_records_nothing(world, as_persona):
    response = as_persona("coordinator").post(settings_url(world.ale), {"share": "no"})
    assert response.status_code == 302
    assert world.ale.history.count() == 1  # its creation only
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Nothing changed."]


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_the_clusters_manager_and_admins_may_change_it(world, as_persona, persona):
    assert as_persona(persona).get(settings_url(world.ale)).status_code == 200
    assert as_persona(persona).post(settings_url(world.ale), {"share": "yes"}).status_code == 302
    assert shares(world.ale) is True
    assert world.ale.history.latest().history_user == getattr(world, persona)


def test_viewer_gets_403_and_changes_nothing(world, as_persona):
    client = as_persona("viewer")
    assert client.get(settings_url(world.ale)).status_code == 403
    assert client.post(settings_url(world.ale), {"share": "yes"}).status_code == 403
    assert shares(world.ale) is False


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_manager", "partner"])
def test_anyone_without_a_role_there_gets_404_and_changes_nothing(world, as_persona, persona):
    client = as_persona(persona)
    assert client.get(settings_url(world.ale)).status_code == 404
    assert client.post(settings_url(world.ale), {"share": "yes"}).status_code == 404
    assert shares(world.ale) is False


def test_a_coordinator_cannot_change_another_member_of_the_same_cluster(world, as_persona):
    assert as_persona("coordinator").get(settings_url(world.alingsas)).status_code == 404


def test_manager_of_a_cluster_the_municipality_left_gets_404(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    membership.left_on = timezone.localdate()
    membership.status = MembershipStatus.LEFT
    membership.save()
    assert as_persona("manager").get(settings_url(world.alingsas)).status_code == 404


def test_unknown_municipality_is_404(world, as_persona):
    url = reverse("municipalities:settings", kwargs={"pk": 999999})
    assert as_persona("admin").get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(settings_url(world.ale))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_get_405(world, as_persona, method):
    assert getattr(as_persona("coordinator"), method)(settings_url(world.ale)).status_code == 405


@pytest.mark.parametrize("data", [{}, {"share": ""}, {"share": "maybe"}, {"share": "on"}])
def test_bad_input_re_renders_with_an_error_and_changes_nothing(world, as_persona, data):
    response = as_persona("coordinator").post(settings_url(world.ale), data)
    assert response.status_code == 200
    assert response.context["form"].errors["share"]
    assert shares(world.ale) is False
    assert world.ale.history.count() == 1  # its creation only


# --- links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "linked"),
    [
        ("coordinator", True),
        ("manager", True),
        ("admin", True),
        ("viewer", False),
        ("outsider", False),
        ("other_coordinator", False),
    ],
)
def test_the_municipality_page_links_to_the_settings_for_those_who_may_change_them(
    world, as_persona, persona, linked
):
    url = reverse("portal:municipality_detail", kwargs={"pk": world.ale.pk})
    html = as_persona(persona).get(url).content.decode()
    assert (settings_url(world.ale) in html) is linked


# --- the service -------------------------------------------------------------------------


def test_service_is_keyword_only(world):
    with pytest.raises(TypeError):
        municipality_share_benchmarks(world.ale, True, None)  # type: ignore[misc]


def test_service_reports_whether_it_changed_anything(world):
    assert municipality_share_benchmarks(municipality=world.ale, share=True, actor=None) is True
    assert world.ale.share_benchmarks is True
    assert municipality_share_benchmarks(municipality=world.ale, share=True, actor=None) is False
    assert world.ale.history.count() == 2  # created, then turned on once


def test_service_validates_the_whole_row_before_saving(world):
    # An SKR group that is not one of the choices passes the database but not full_clean:
    # the service refuses the save and the setting stays as it was.
    Municipality.objects.filter(pk=world.ale.pk).update(skr_group="Z9")
    with pytest.raises(ValidationError):
        municipality_share_benchmarks(municipality=world.ale, share=True, actor=world.coordinator)
    assert shares(world.ale) is False
    assert world.ale.history.count() == 1  # its creation only


def test_history_leaves_out_changes_to_other_fields(world):
    municipality_share_benchmarks(municipality=world.ale, share=True, actor=world.coordinator)
    ale = Municipality.objects.get(pk=world.ale.pk)
    ale.population, ale.population_year, ale.population_source = 32000, 2024, "SCB"
    ale.save()
    assert ale.history.count() == 3
    assert [c.who for c in share_benchmarks_history(ale)] == [world.coordinator]


def test_history_counts_a_municipality_created_sharing(db):
    from tests import factories as f

    created = f.MunicipalityFactory(share_benchmarks=True)
    (change,) = share_benchmarks_history(created)
    assert change.share_benchmarks is True
    assert change.when <= timezone.now() + dt.timedelta(seconds=1)


# --- the admin ---------------------------------------------------------------------------


def test_admin_edits_the_setting_and_shows_its_history(world, as_persona):
    client = as_persona("admin")
    change_url = reverse("admin:municipalities_municipality_change", args=[world.ale.pk])
    form = client.get(change_url)
    assert 'name="share_benchmarks"' in form.content.decode()
    response = client.post(
        change_url,
        {
            "country": world.ale.country,
            "code": world.ale.code,
            "name": world.ale.name,
            "county": world.ale.county_id,
            "skr_group": world.ale.skr_group,
            "population_source": "",
            "share_benchmarks": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert shares(world.ale) is True
    assert world.ale.history.latest().history_user == world.admin
    history_url = reverse("admin:municipalities_municipality_history", args=[world.ale.pk])
    assert client.get(history_url).status_code == 200
    changelist = client.get(
        reverse("admin:municipalities_municipality_changelist"), {"share_benchmarks__exact": "1"}
    )
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [world.ale]
