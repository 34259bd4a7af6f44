"""The managed list of problem types starts with the ones the commissions name most."""

from django.db import migrations

DEFAULT_PROBLEM_TYPES = [
    "四风",
    "违反中央八项规定精神",
    "形式主义官僚主义",
    "选人用人",
    "信访举报",
    "审计发现",
    "巡视巡察发现",
    "舆情",
    "安全生产",
    "生态环保",
    "违纪违法案件",
    "其他",
]


def create(apps, schema_editor):
    ProblemType = apps.get_model("records", "ProblemType")
    for position, name in enumerate(DEFAULT_PROBLEM_TYPES):
        ProblemType.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("records", "0002_collectionperiod_evidence_historicalcollectionperiod_and_more")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
