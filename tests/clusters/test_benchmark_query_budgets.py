"""The benchmark page runs a fixed number of queries: ten times the members, the same budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import ProgressStatus
from tests import factories as f
from tests.clusters.benchmark_helpers import member

# Session and user (2), the person's roles (2), the cluster (1) and, for a coordinator, the
# membership check that grants reading it (1); then the page: memberships (1), dimensions (1),
# latest scores (2), programmes (1), their summaries (2) and latest updates (1). A manager's
# request also checks their second factor (1, innocities.accounts.middleware).
MANAGER_BUDGET = 14
COORDINATOR_BUDGET = 14


def grow(world, n: int) -> None:
    """``n`` members of cluster A (every other one sharing) with a closed round of two
    respondents, a programme with tasks and a progress update; Ale and Alingsås get rounds."""
    cluster = world.cluster_a
    member(cluster, "Ale", [3, 4], municipality=world.ale)
    member(cluster, "Alingsås", [4, 5], municipality=world.alingsas, percent=30)
    for i in range(n - 2):
        municipality = member(cluster, f"Kommun {i}", [2 + i % 3, 3], share=bool(i % 2), percent=i)
        program = municipality.programs.get()
        f.ProgressUpdateFactory(
            program=program,
            author=world.manager,
            status=ProgressStatus.AT_RISK,
            proposed_status=ProgressStatus.AT_RISK,
        )


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize(
    ("persona", "budget"), [("manager", MANAGER_BUDGET), ("coordinator", COORDINATOR_BUDGET)]
)
def test_benchmark_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, n, persona, budget
):
    grow(world, n)
    client = as_persona(persona)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("portal:cluster_benchmark", args=[world.cluster_a.pk]))
    assert response.status_code == 200
    benchmark = response.context["benchmark"]
    assert benchmark.contributors == n
    assert all(row.contributors == n for row in benchmark.dimensions)
    if persona == "manager":
        assert len(benchmark.members) == n
    else:
        # Ale, and the sharing half of the others.
        assert len(benchmark.members) == 1 + (n - 2) // 2
    assert len(benchmark.progress) == len(benchmark.members)
