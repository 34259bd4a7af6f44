"""The shipped categories, templates and accountability ladder (``duties.defaults``)."""

from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from qingfeng.duties.defaults import CATEGORIES, LADDER, TEMPLATE

    category_model = apps.get_model("duties", "DutyCategory")
    item_model = apps.get_model("duties", "TemplateItem")
    ladder_model = apps.get_model("duties", "LadderStep")
    categories = {}
    for order, (code, name) in enumerate(CATEGORIES):
        categories[code], _ = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    for kind, rows in TEMPLATE.items():
        if item_model.objects.filter(kind=kind).exists():
            continue
        for order, (category, title, measures, recurrence, due, required, dept) in enumerate(rows):
            item_model.objects.create(
                kind=kind,
                category=categories[category],
                title=title,
                measures=measures,
                recurrence=recurrence,
                due_month=due[0] if due else None,
                due_day=due[1] if due else None,
                required_count=required,
                department=dept,
                order=order,
            )
    for order, (code, name) in enumerate(LADDER):
        ladder_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
