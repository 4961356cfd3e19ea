"""The gate into the pilot stage asks for a pilot agreement (programs.agreements): partners,
contributions, data, rights, costs and risks, and when to scale up or end, written down before
the pilot starts."""

from django.db import migrations

CRITERION = (
    "pilot",
    "pilot_agreement",
    "Ett pilotavtal med partnerna är skrivet",
    "A pilot agreement with the partners is written",
    "En pilotavtale med partnerne er skrevet",
)


def add(apps, schema_editor):
    GateCriterion = apps.get_model("initiatives", "GateCriterion")
    stage, judged_by, sv, en, nb = CRITERION
    if GateCriterion.objects.filter(stage=stage, judged_by=judged_by).exists():
        return
    last = GateCriterion.objects.filter(stage=stage).order_by("-position").first()
    GateCriterion.objects.create(
        stage=stage,
        judged_by=judged_by,
        position=(last.position + 1) if last else 1,
        text_sv=sv,
        text_en=en,
        text_nb=nb,
    )


def remove(apps, schema_editor):
    GateCriterion = apps.get_model("initiatives", "GateCriterion")
    GateCriterion.objects.filter(stage=CRITERION[0], judged_by=CRITERION[1]).delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0004_adopted_from_pilot_agreement_check")]

    operations = [migrations.RunPython(add, remove)]
