"""The demo's self-assessments, shared needs and tailored programme (see ``partnership.py``).

Every open member of both clusters has a closed round answered by three or four of its people
(political, management, staff); Vårgårda has two, so the change shows. The scores are chosen so
that the cluster pages have something to show: in cluster A four of five members score low in
quadruple-helix collaboration (accepted as a shared need, with a workshop) and three in data
(an open proposal); in cluster B two members score low in innovation culture and in pilots. A
few members share their benchmarks. Hedemora's draft programme is tailored from its round.

Idempotent like the rest of the demo: rounds are keyed by (municipality, title), shared needs
by their proposal, the programme by its title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone, translation

from clusters.models import Need, Priority
from clusters.services import shared_need_accept
from clusters.shared_needs import shared_need_overview
from municipalities.assessments.models import AssessmentRound, Question, RespondentRole
from municipalities.assessments.selectors import latest_closed_round, round_scores
from municipalities.assessments.services import (
    assessment_answers_save,
    assessment_respondent_add,
    assessment_round_close,
    assessment_round_open,
)
from municipalities.services import municipality_share_benchmarks
from programs.models import Program, ProgramStatus
from programs.tailoring.defaults import seed_default_rules
from programs.tailoring.models import RecommendationRule
from programs.tailoring.selectors import recommend
from programs.tailoring.services import ModuleChoice, program_create_tailored

if TYPE_CHECKING:
    from innocities.demo.partnership import Seeder

POLITICAL, MANAGEMENT, STAFF = (
    RespondentRole.POLITICAL,
    RespondentRole.MANAGEMENT,
    RespondentRole.STAFF,
)


# Who answers, per municipality, in this order; the levels below follow it.
PANELS = {
    "1442": (
        ("viewer@demo.innocities.se", POLITICAL),
        ("bo.carlsson@demo.innocities.se", MANAGEMENT),
        ("coordinator@demo.innocities.se", STAFF),
        ("lisa.strand@demo.innocities.se", STAFF),
    ),
    "1466": (
        ("goran.axelsson@demo.innocities.se", POLITICAL),
        ("karl.persson@demo.innocities.se", MANAGEMENT),
        ("maria.ek@demo.innocities.se", STAFF),
    ),
    "1445": (
        ("eva.lundberg@demo.innocities.se", POLITICAL),
        ("ulf.nystrom@demo.innocities.se", MANAGEMENT),
        ("peter.johansson@demo.innocities.se", STAFF),
    ),
    "1463": (
        ("birgitta.holmgren@demo.innocities.se", POLITICAL),
        ("jonas.ekstrom@demo.innocities.se", MANAGEMENT),
        ("lena.fransson@demo.innocities.se", STAFF),
    ),
    "1465": (
        ("malin.sjoberg@demo.innocities.se", POLITICAL),
        ("henrik.bjork@demo.innocities.se", MANAGEMENT),
        ("erik.svensson@demo.innocities.se", STAFF),
    ),
    "2085": (
        ("per.hagg@demo.innocities.se", POLITICAL),
        ("camilla.nord@demo.innocities.se", MANAGEMENT),
        ("coordinator2@demo.innocities.se", STAFF),
    ),
    "2061": (
        ("tomas.eriksson@demo.innocities.se", POLITICAL),
        ("linnea.aberg@demo.innocities.se", MANAGEMENT),
        ("oskar.lindgren@demo.innocities.se", STAFF),
    ),
    "2082": (
        ("gunnar.falk@demo.innocities.se", POLITICAL),
        ("helena.rask@demo.innocities.se", MANAGEMENT),
        ("sofia.hedlund@demo.innocities.se", STAFF),
    ),
    "2083": (
        ("ann-marie.wik@demo.innocities.se", POLITICAL),
        ("stefan.moberg@demo.innocities.se", MANAGEMENT),
        ("nils.granath@demo.innocities.se", STAFF),
    ),
}

DIMENSIONS = (
    "strategy",
    "culture",
    "balance",
    "uncertainty",
    "helix",
    "pilots",
    "sustainability",
    "data",
)


@dataclass(frozen=True)
class RoundSpec:
    code: str
    title: str
    closed_days_ago: int
    # One string per dimension, in DIMENSIONS order: each respondent's level, in PANELS order.
    levels: tuple[str, ...]
    comment: str = ""

    def level(self, dimension: str, respondent: int) -> int:
        return int(self.levels[DIMENSIONS.index(dimension)][respondent])


ROUNDS = (
    #         strategy culture balance uncert. helix pilots sustain. data
    RoundSpec(
        "1442",
        "Baseline self-assessment",
        230,
        ("2322", "2211", "2322", "2212", "2221", "2322", "3332", "2212"),
        "Vi har idéer, men ingen har tid att driva dem vidare.",
    ),
    RoundSpec(
        "1442",
        "Follow-up self-assessment",
        45,
        ("4333", "3322", "3322", "3222", "2322", "3333", "3443", "2222"),
        "Innovationsstrategin har gjort skillnad: nu vet medarbetarna vart de ska vända sig "
        "med sina idéer.",
    ),
    RoundSpec(
        "1466",
        "Baseline self-assessment",
        50,
        ("443", "433", "333", "333", "333", "343", "443", "323"),
    ),
    RoundSpec(
        "1445",
        "Baseline self-assessment",
        40,
        ("333", "333", "333", "333", "223", "333", "443", "232"),
    ),
    RoundSpec(
        "1463",
        "Baseline self-assessment",
        55,
        ("333", "223", "333", "333", "222", "333", "333", "333"),
    ),
    RoundSpec(
        "1465",
        "Baseline self-assessment",
        35,
        ("222", "222", "333", "333", "322", "333", "333", "222"),
    ),
    RoundSpec(
        "2085",
        "Baseline self-assessment",
        60,
        ("433", "333", "333", "222", "333", "343", "443", "333"),
    ),
    RoundSpec(
        "2061",
        "Baseline self-assessment",
        42,
        ("333", "222", "333", "333", "333", "212", "333", "333"),
    ),
    RoundSpec(
        "2082",
        "Baseline self-assessment",
        38,
        ("333", "333", "333", "333", "333", "333", "443", "232"),
    ),
    RoundSpec(
        "2083",
        "Baseline self-assessment",
        30,
        ("221", "212", "333", "333", "232", "222", "333", "333"),
        "Vi behöver börja med varför vi ska arbeta med innovation över huvud taget.",
    ),
)


@dataclass(frozen=True)
class SharedNeedSpec:
    cluster: str
    key: str
    title: str
    description: str
    sdg_goals: tuple[int, ...] = ()


SHARED_NEEDS = (
    SharedNeedSpec(
        "Västra Götaland smart och hållbar",
        "dimension:helix",
        "Samverkan med näringsliv, akademi och civilsamhälle",
        "Fyra av fem medlemmar fick låga poäng för samverkan i fyrfaldig helix. Klustret möter "
        "behovet gemensamt: en partnerworkshop för alla och gemensamma avtal med "
        "innovationsparken och högskolan i stället för en modul i varje kommuns program.",
        sdg_goals=(9, 17),
    ),
)

# Municipalities that let the other members of their clusters see their name and scores.
SHARING = ("1466", "1445", "2061", "2082")

TAILORED_CODE = "2083"
TAILORED_TITLE = "Hedemora – skräddarsytt efter självskattningen"


def seed_assessments(seeder: Seeder) -> None:
    questions = list(
        Question.objects.filter(dimension__framework__is_active=True).select_related("dimension")
    )
    if not questions:
        return  # no active framework: nothing to answer
    for spec in ROUNDS:
        _round(seeder, spec, questions)


def _round(seeder: Seeder, spec: RoundSpec, questions: list[Question]) -> None:
    municipality = seeder.municipalities[spec.code]
    if AssessmentRound.objects.filter(municipality=municipality, title=spec.title).exists():
        return
    coordinator = seeder._coordinator_of(spec.code)
    round = assessment_round_open(
        municipality=municipality, actor=coordinator, title=spec.title, closes_on=None
    )
    for index, (email, role) in enumerate(PANELS[spec.code]):
        respondent = assessment_respondent_add(
            round=round, user=seeder.users[email], role=role, actor=coordinator
        )
        answers = {
            question.pk: (
                spec.level(question.dimension.code, index),
                spec.comment if index == 0 and question == questions[0] else "",
            )
            for question in questions
        }
        assessment_answers_save(
            respondent=respondent, answers=answers, submit=True, actor=seeder.users[email]
        )
    assessment_round_close(round=round, actor=coordinator)
    # Answered and closed now, but dated in the past, so the rounds have a history.
    closed = timezone.now() - dt.timedelta(days=spec.closed_days_ago)
    AssessmentRound.objects.filter(pk=round.pk).update(
        opened_at=closed - dt.timedelta(days=21), closed_at=closed
    )
    round.respondents.update(submitted_at=closed - dt.timedelta(days=3))
    seeder.created["assessment rounds"] += 1


def seed_shared_needs(seeder: Seeder) -> dict[str, Need]:
    """Accept the demo's shared needs from their proposals; returns them by title."""
    needs: dict[str, Need] = {}
    for spec in SHARED_NEEDS:
        cluster = seeder.clusters[spec.cluster]
        need = cluster.needs.filter(proposal_key=spec.key).first()
        if need is None:
            if shared_need_overview(cluster).find(spec.key) is None:
                continue  # the scores no longer propose it
            need = shared_need_accept(
                cluster=cluster,
                key=spec.key,
                title=spec.title,
                description=spec.description,
                priority=Priority.HIGH,
                actor=seeder._manager_of(cluster),
                sdg_goals=list(spec.sdg_goals),
            )
            seeder.created["shared needs from proposals"] += 1
        needs[need.title] = need
    return needs


def seed_sharing(seeder: Seeder) -> None:
    for code in SHARING:
        municipality = seeder.municipalities[code]
        if municipality.share_benchmarks:
            continue  # as it was left: a demo run never turns sharing off
        if municipality_share_benchmarks(
            municipality=municipality, share=True, actor=seeder._coordinator_of(code)
        ):
            seeder.created["municipalities sharing benchmarks"] += 1


def seed_rules(seeder: Seeder) -> None:
    created = seed_default_rules().created
    if created:
        seeder.created["recommendation rules"] += len(created)


def seed_tailored_programme(seeder: Seeder, *, cluster_name: str, starts_on: dt.date) -> None:
    """Hedemora's draft: the modules its round and needs recommend, with their reasons (in
    Swedish, the portal's default language, as a manager's tailoring page would give them)."""
    municipality = seeder.municipalities[TAILORED_CODE]
    if Program.objects.filter(municipality=municipality, title=TAILORED_TITLE).exists():
        return
    latest = latest_closed_round(municipality)
    if latest is None:
        return
    cluster = seeder.clusters[cluster_name]
    with translation.override("sv"):
        scores = round_scores(latest)
        recommendations = recommend(
            rules=RecommendationRule.objects.select_related("module"),
            scores={s.code: s.mean for s in scores if s.mean is not None},
            dimension_names={s.code: s.dimension.name for s in scores},
            needs=list(municipality.needs.all()),
        )
        choices = [
            ModuleChoice(module=r.module, reason=r.reason_text)
            for r in recommendations
            if not r.covered
        ]
    if not choices:
        return
    program_create_tailored(
        municipality=municipality,
        cluster=cluster,
        starts_on=starts_on,
        choices=choices,
        actor=seeder._manager_of(cluster),
        title=TAILORED_TITLE,
        goals=(
            "Först innovationskultur och en strategi, sedan piloter tillsammans med partnerna: "
            "anpassat efter resultatet av den första självskattningen."
        ),
        coordinators=[seeder._coordinator_of(TAILORED_CODE)],
        status=ProgramStatus.DRAFT,
        duration_months=24,
    )
    seeder.created["programmes"] += 1
