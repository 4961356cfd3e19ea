"""Phase 1 of the scale: people, clusters, rosters."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from clusters.models import (
    Cluster,
    ClusterMembership,
    ClusterPartner,
    ClusterStatus,
    MembershipStatus,
    Need,
    Priority,
    RosterEntry,
    RosterRole,
)
from innocities.accounts.models import User
from innocities.demo.partnership import MUNICIPALITIES as DEMO_MUNICIPALITIES
from innocities.demo.partnership import month_start
from innocities.demo.scale.base import SeederBase, _at, _unique
from innocities.demo.scale.sizes import DOMAIN, ScaleDataError, Size
from innocities.demo.scale.text import CLUSTER_THEMES, NEEDS
from innocities.notifications.models import Delivery, NotificationPreference
from municipalities.models import (
    Country,
    Helix,
    Municipality,
    MunicipalityMembership,
    MunicipalityRole,
    Organisation,
)


class PeoplePhase(SeederBase):
    """Phase 1: people, clusters, rosters."""

    def people_and_clusters(self) -> None:
        everyone = list(Municipality.objects.select_related("county").order_by("country", "code"))
        if not everyone:
            raise ScaleDataError("No municipalities: run manage.py load_reference_data first.")
        self.size = Size.at(self.scale, len(everyone))
        demo = [
            m for m in everyone if m.country == Country.SWEDEN and m.code in DEMO_MUNICIPALITIES
        ]
        others = [m for m in everyone if m not in demo]
        self.rng.shuffle(others)
        # The demo's municipalities at every scale, so a demo login sees the same at each.
        chosen = (demo + others)[: self.size.municipalities]
        # Regional clusters: neighbours in the same county end up together.
        chosen.sort(key=lambda m: (m.country, m.county.code, m.code))
        self.municipalities = chosen
        count = self.size.clusters
        groups = [
            chosen[i * len(chosen) // count : (i + 1) * len(chosen) // count] for i in range(count)
        ]
        groups = [group for group in groups if group]

        coordinators, viewers = self._municipal_people(chosen)
        clusters = self._clusters(groups)
        cluster_people = self._cluster_people(clusters)
        self._insert(User, self.users)
        self._municipal_roles(coordinators, viewers)
        self._preferences()
        organisations = self._organisations(clusters, groups, cluster_people)
        self._memberships(clusters, groups)
        self._rosters(clusters, groups, cluster_people, organisations)
        self._needs()

    def _municipal_people(
        self, chosen: list[Municipality]
    ) -> tuple[dict[int, list[User]], dict[int, list[User]]]:
        coordinators: dict[int, list[User]] = {}
        viewers: dict[int, list[User]] = {}
        for municipality in chosen:
            many = 2 if self.rng.random() < 0.3 else 1
            coordinators[municipality.pk] = [
                self._person(municipality.country) for _ in range(many)
            ]
            viewers[municipality.pk] = [self._person(municipality.country) for _ in range(2)]
        return coordinators, viewers

    def _clusters(self, groups: list[list[Municipality]]) -> list[Cluster]:
        taken = set(Cluster.objects.values_list("name", flat=True))
        clusters = []
        for index, group in enumerate(groups):
            county = Counter(m.county.name for m in group).most_common(1)[0][0]
            theme = CLUSTER_THEMES[index % len(CLUSTER_THEMES)]
            names = ", ".join(m.name for m in group[:3])
            clusters.append(
                Cluster(
                    name=_unique(f"{theme.capitalize()} i {county}", taken),
                    theme=theme.capitalize(),
                    description=(
                        f"{len(group)} kommuner, bland andra {names}, som samverkar kring "
                        f"{theme} med partner från näringsliv, akademi och civilsamhälle."
                    ),
                    status=ClusterStatus.ACTIVE,
                    starts_on=month_start(self.today, -self.rng.randint(30, 42)),
                )
            )
        self.clusters = self._insert(Cluster, clusters)
        for cluster, group in zip(self.clusters, groups, strict=True):
            for municipality in group:
                self.cluster_of[municipality.pk] = cluster
        self._records(
            Cluster, ((c, _at(c.starts_on, 9), self.admin_id, "+", {}) for c in self.clusters)
        )
        return self.clusters

    def _cluster_people(self, clusters: list[Cluster]) -> dict[int, dict[str, list[User]]]:
        """Per cluster: its programme managers (the first one's time is over), an expert and a
        contact for each of its five partners."""
        people: dict[int, dict[str, list[User]]] = {}
        for cluster in clusters:
            managers = 3 if self.rng.random() < 0.5 else 2
            people[cluster.pk] = {
                "managers": [self._person(Country.SWEDEN) for _ in range(managers)],
                "expert": [self._person(Country.SWEDEN)],
                "partners": [self._person(Country.SWEDEN) for _ in range(5)],
            }
        return people

    def _municipal_roles(
        self, coordinators: dict[int, list[User]], viewers: dict[int, list[User]]
    ) -> None:
        rows = []
        for municipality_id, people in coordinators.items():
            for user in people:
                rows.append(
                    MunicipalityMembership(
                        user=user,
                        municipality_id=municipality_id,
                        role=MunicipalityRole.COORDINATOR,
                    )
                )
                self.coordinators[municipality_id].append(user.pk)
            for user in viewers[municipality_id]:
                rows.append(
                    MunicipalityMembership(
                        user=user, municipality_id=municipality_id, role=MunicipalityRole.VIEWER
                    )
                )
                self.viewers[municipality_id].append(user.pk)
        self._insert(MunicipalityMembership, rows)
        # The demo's coordinators of these municipalities coordinate their scale programmes too.
        for municipality_id, user_id in (
            MunicipalityMembership.objects.filter(
                municipality__in=self.municipalities, role=MunicipalityRole.COORDINATOR
            )
            .exclude(user__email__endswith=f"@{DOMAIN}")
            .values_list("municipality_id", "user_id")
        ):
            self.coordinators[municipality_id].append(user_id)

    def _preferences(self) -> None:
        rows = []
        for user in self.users:
            chance = self.rng.random()
            if chance < 0.04:
                delivery = Delivery.DAILY
            elif chance < 0.06:
                delivery = Delivery.WEEKLY
            else:
                continue
            rows.append(
                NotificationPreference(
                    user=user, delivery=delivery, hour=self.rng.choice((7, 8, 9))
                )
            )
        self._insert(NotificationPreference, rows)

    def _organisations(
        self,
        clusters: list[Cluster],
        groups: list[list[Municipality]],
        people: dict[int, dict[str, list[User]]],
    ) -> dict[int, list[Organisation]]:
        taken = set(Organisation.objects.values_list("name", flat=True))
        organisations: dict[int, list[Organisation]] = {}
        for cluster, group in zip(clusters, groups, strict=True):
            place = group[0]
            organisations[cluster.pk] = [
                Organisation(
                    name=_unique(f"Högskolecentrum {place.name}", taken), helix=Helix.ACADEMIA
                ),
                Organisation(
                    name=_unique(f"Innovationspark {place.name}", taken), helix=Helix.PUBLIC
                ),
                Organisation(
                    name=_unique(f"{place.name} Energi AB", taken),
                    helix=Helix.PUBLIC,
                    municipality=place,
                ),
                Organisation(name=_unique(f"{place.name} Teknik AB", taken), helix=Helix.BUSINESS),
                Organisation(
                    name=_unique(f"Föreningen Levande {place.name}", taken),
                    helix=Helix.CIVIL_SOCIETY,
                ),
            ]
        self._insert(Organisation, [o for orgs in organisations.values() for o in orgs])
        partners: list[ClusterPartner] = []
        changes = []
        for cluster in clusters:
            joined = cluster.starts_on + dt.timedelta(days=30)
            manager = people[cluster.pk]["managers"][0].pk
            for index, organisation in enumerate(organisations[cluster.pk]):
                ended = index == 4 and self.rng.random() < 0.2
                partner = ClusterPartner(
                    cluster=cluster,
                    organisation=organisation,
                    contribution="Kunskap, testbäddar och kontakter till klustrets piloter.",
                    joined_on=joined,
                    left_on=self._days_ago(30, 300) if ended else None,
                )
                partners.append(partner)
                changes.append((partner, _at(joined, 10), manager, "+", {"left_on": None}))
                if ended:
                    changes.append((partner, _at(partner.left_on, 10), manager, "~", {}))
                else:
                    self.partners[cluster.pk].append(organisation)
        self._insert(ClusterPartner, partners)
        self._records(ClusterPartner, changes)
        return organisations

    def _memberships(self, clusters: list[Cluster], groups: list[list[Municipality]]) -> None:
        rows: list[ClusterMembership] = []
        changes = []
        for index, (cluster, group) in enumerate(zip(clusters, groups, strict=True)):
            neighbour = clusters[(index + 1) % len(clusters)]
            for municipality in group:
                founding = self.rng.random() < 0.6
                latest = max(cluster.starts_on, self.today - dt.timedelta(days=60))
                joined = (
                    cluster.starts_on
                    if founding
                    else min(
                        cluster.starts_on + dt.timedelta(days=self.rng.randint(30, 700)), latest
                    )
                )
                status = (
                    MembershipStatus.OBSERVER
                    if self.rng.random() < 0.05
                    else MembershipStatus.ACTIVE
                )
                membership = ClusterMembership(
                    cluster=cluster, municipality=municipality, joined_on=joined, status=status
                )
                rows.append(membership)
                changes.append((membership, _at(joined, 9), self.admin_id, "+", {}))
                if self.rng.random() < 0.1:
                    # Roster history: an earlier membership of the neighbouring cluster, ended.
                    left = neighbour.starts_on + dt.timedelta(days=self.rng.randint(90, 400))
                    left = min(left, self.today - dt.timedelta(days=10))
                    ended = ClusterMembership(
                        cluster=neighbour,
                        municipality=municipality,
                        joined_on=neighbour.starts_on,
                        left_on=max(left, neighbour.starts_on),
                        status=MembershipStatus.LEFT,
                        note="Gick över till ett kluster närmare hemmaregionen.",
                    )
                    rows.append(ended)
                    changes.append(
                        (
                            ended,
                            _at(ended.joined_on, 9),
                            self.admin_id,
                            "+",
                            {"left_on": None, "status": MembershipStatus.ACTIVE},
                        )
                    )
                    changes.append((ended, _at(ended.left_on, 14), self.admin_id, "~", {}))
        self._insert(ClusterMembership, rows)
        self._records(ClusterMembership, changes)

    def _rosters(
        self,
        clusters: list[Cluster],
        groups: list[list[Municipality]],
        people: dict[int, dict[str, list[User]]],
        organisations: dict[int, list[Organisation]],
    ) -> None:
        demo_managers = dict(
            User.objects.filter(
                email__in=["manager@demo.innocities.se", "manager2@demo.innocities.se"]
            ).values_list("email", "pk")
        )
        entries: list[RosterEntry] = []
        for cluster, group in zip(clusters, groups, strict=True):
            start = cluster.starts_on
            staff = people[cluster.pk]
            first, *current = staff["managers"]
            handover = min(start + dt.timedelta(days=self.rng.randint(200, 500)), self.today)
            entries.append(
                RosterEntry(
                    cluster=cluster,
                    user=first,
                    role=RosterRole.PROGRAMME_MANAGER,
                    started_on=start,
                    ended_on=handover,
                )
            )
            for index, manager in enumerate(current):
                entries.append(
                    RosterEntry(
                        cluster=cluster,
                        user=manager,
                        role=RosterRole.PROGRAMME_MANAGER,
                        started_on=handover if index == 0 else start,
                    )
                )
                self.managers[cluster.pk].append(manager.pk)
            # The demo's managers manage the scale clusters of their demo members as well.
            codes = {m.code for m in group if m.country == Country.SWEDEN}
            for email, code in (
                ("manager@demo.innocities.se", "1442"),
                ("manager2@demo.innocities.se", "2085"),
            ):
                if code in codes and email in demo_managers:
                    entries.append(
                        RosterEntry(
                            cluster=cluster,
                            user_id=demo_managers[email],
                            role=RosterRole.PROGRAMME_MANAGER,
                            started_on=self.today - dt.timedelta(days=60),
                        )
                    )
                    self.managers[cluster.pk].append(demo_managers[email])
            lead = group[0]
            entries.append(
                RosterEntry(
                    cluster=cluster,
                    user_id=self.coordinators[lead.pk][0],
                    role=RosterRole.CLUSTER_LEAD,
                    municipality=lead,
                    started_on=start,
                )
            )
            for municipality in group:
                entries.append(
                    RosterEntry(
                        cluster=cluster,
                        user_id=self.coordinators[municipality.pk][0],
                        role=RosterRole.MUNICIPAL_CONTACT,
                        municipality=municipality,
                        started_on=start,
                    )
                )
            current_orgs = {o.pk for o in self.partners[cluster.pk]}
            for contact, organisation in zip(
                staff["partners"], organisations[cluster.pk], strict=True
            ):
                left = organisation.pk not in current_orgs
                entries.append(
                    RosterEntry(
                        cluster=cluster,
                        user=contact,
                        role=RosterRole.PARTNER_CONTACT,
                        organisation=organisation,
                        started_on=start + dt.timedelta(days=30),
                        ended_on=self.today - dt.timedelta(days=20) if left else None,
                    )
                )
            entries.append(
                RosterEntry(
                    cluster=cluster,
                    user=staff["expert"][0],
                    role=RosterRole.EXPERT,
                    organisation=organisations[cluster.pk][0],
                    started_on=start + dt.timedelta(days=60),
                )
            )
        self._insert(RosterEntry, entries)
        changes = []
        for entry in entries:
            if entry.ended_on is None:
                self.cluster_people[entry.cluster_id].append(entry.user_id)
            changes.append(
                (entry, _at(entry.started_on, 9), self.admin_id, "+", {"ended_on": None})
            )
            if entry.ended_on is not None:
                changes.append((entry, _at(entry.ended_on, 15), self.admin_id, "~", {}))
        self._records(RosterEntry, changes)
        for cluster_id, user_ids in self.cluster_people.items():
            self.cluster_people[cluster_id] = sorted(set(user_ids))

    def _needs(self) -> None:
        needs = []
        for municipality in self.municipalities:
            title, theme, goals = self.rng.choice(NEEDS)
            need = Need(
                title=title,
                description="Behovet kom fram i självskattningen och i dialogen med verksamheterna.",
                theme=theme,
                priority=self.rng.choice(Priority.values),
                municipality=municipality,
                sdg_goals=list(goals),
                created_by_id=self.coordinators[municipality.pk][0],
                created_at=_at(self._days_ago(120, 1000), 11),
            )
            needs.append(need)
            self.needs[municipality.pk] = need
        self._insert(Need, needs)
