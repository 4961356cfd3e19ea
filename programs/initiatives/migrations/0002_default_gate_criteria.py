"""Default gate criteria, in Swedish, English and Norwegian. Data from then on: the admin
edits them. Drawn from SKR's Innovationsguiden and the Norwegian project model's decision
points (the criteria are written here; the references name what a gate usually asks)."""

from django.db import migrations

# (gate into stage, how it is judged, Swedish, English, Norwegian)
CRITERIA = [
    ("idea", "need_linked",
     "Initiativet svarar mot ett registrerat behov",
     "The initiative answers a recorded need",
     "Initiativet svarer på et registrert behov"),
    ("idea", "manual",
     "Behovet är beskrivet ur invånarnas eller användarnas perspektiv",
     "The need is described from the residents' or users' point of view",
     "Behovet er beskrevet fra innbyggernes eller brukernes ståsted"),
    ("concept", "lead_named",
     "En initiativledare är utsedd",
     "An initiative lead is named",
     "En initiativleder er utpekt"),
    ("concept", "assumptions_recorded",
     "De viktigaste antagandena är nedskrivna",
     "The main assumptions are written down",
     "De viktigste antakelsene er skrevet ned"),
    ("concept", "manual",
     "Idén är prövad mot vad andra kommuner redan har gjort",
     "The idea has been checked against what other municipalities have already done",
     "Idéen er sjekket mot det andre kommuner allerede har gjort"),
    ("pilot", "critical_tested",
     "Kritiska antaganden är testade",
     "Critical assumptions tested",
     "Kritiske antakelser er testet"),
    ("pilot", "two_helices",
     "En partner från minst två helixar deltar",
     "A partner from at least two helices takes part",
     "En partner fra minst to helikser deltar"),
    ("pilot", "business_case",
     "Förväntad nytta och kostnad är beskrivna",
     "Expected benefits and cost are written down",
     "Forventet gevinst og kostnad er beskrevet"),
    ("pilot", "manual",
     "Juridiska frågor och dataskydd är utredda",
     "Legal questions and data protection have been looked into",
     "Juridiske spørsmål og personvern er utredet"),
    ("implementation", "manual",
     "Piloten är utvärderad mot sina mål",
     "The pilot has been evaluated against its goals",
     "Piloten er evaluert mot sine mål"),
    ("implementation", "benefit_owner",
     "En nyttoägare är utsedd",
     "A benefit owner is named",
     "En gevinsteier er utpekt"),
    ("implementation", "business_case",
     "Nytta och kostnad är uppdaterade efter piloten",
     "Benefits and cost are updated after the pilot",
     "Gevinst og kostnad er oppdatert etter piloten"),
    ("operation", "manual",
     "Driftsorganisationen har accepterat överlämningen",
     "The operations unit has accepted the handover",
     "Driftsorganisasjonen har akseptert overleveringen"),
    ("operation", "manual",
     "Finansiering i ordinarie budget är beslutad",
     "Funding in the regular budget is decided",
     "Finansiering i ordinært budsjett er vedtatt"),
    ("operation", "benefit_owner",
     "Nyttoägaren följer upp nyttan i förvaltningen",
     "The benefit owner follows up the benefits in operation",
     "Gevinsteieren følger opp gevinstene i driften"),
]


def add(apps, schema_editor):
    GateCriterion = apps.get_model("initiatives", "GateCriterion")
    positions: dict[str, int] = {}
    rows = []
    for stage, judged_by, sv, en, nb in CRITERIA:
        positions[stage] = positions.get(stage, 0) + 1
        rows.append(
            GateCriterion(
                stage=stage,
                position=positions[stage],
                judged_by=judged_by,
                text_sv=sv,
                text_en=en,
                text_nb=nb,
            )
        )
    GateCriterion.objects.bulk_create(rows)


def remove(apps, schema_editor):
    apps.get_model("initiatives", "GateCriterion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
