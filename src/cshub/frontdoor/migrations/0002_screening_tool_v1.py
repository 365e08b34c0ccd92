"""Load version 1 of the child-exploitation screening tool (cshub/frontdoor/screening_v1.py)."""

import datetime

from django.db import migrations


def load(apps, schema_editor):
    from cshub.frontdoor.screening_v1 import INDICATORS

    Tool = apps.get_model("frontdoor", "ScreeningTool")
    Indicator = apps.get_model("frontdoor", "ScreeningIndicator")
    tool, _ = Tool.objects.get_or_create(
        version=1,
        defaults={
            "title": "Child exploitation screening tool",
            "is_current": True,
            "published_on": datetime.date(2026, 11, 25),
        },
    )
    for order, (theme, code, text, weight) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            tool=tool, code=code, defaults={"theme": theme, "text": text, "weight": weight, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
