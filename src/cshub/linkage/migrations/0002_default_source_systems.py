"""The six default source systems (docs/imports.md). Rename or retire them in the admin."""

from django.db import migrations

DEFAULTS = [
    # code, name, kind, identifier scheme of the system's own ids
    ("mosaic", "Mosaic", "social_care", "mosaic"),
    ("synergy", "Synergy", "education", "synergy"),
    ("niche", "Niche RMS", "police", "police_nominal"),
    ("childview", "ChildView", "youth_justice", "yjs"),
    ("systmone", "SystmOne", "health", "nhs"),
    ("other", "Other", "other", ""),
]


def create(apps, schema_editor):
    SourceSystem = apps.get_model("linkage", "SourceSystem")
    for code, name, kind, scheme in DEFAULTS:
        SourceSystem.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "identifier_scheme": scheme}
        )


def remove(apps, schema_editor):
    SourceSystem = apps.get_model("linkage", "SourceSystem")
    SourceSystem.objects.filter(
        code__in=[d[0] for d in DEFAULTS], imports__isnull=True, records__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("linkage", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
