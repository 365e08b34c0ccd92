"""Load the borough's 21 wards from the ONS boundaries shipped in cshub/core/data."""

from django.db import migrations


def load_wards(apps, schema_editor):
    from cshub.core.geo import ward_features

    Ward = apps.get_model("core", "Ward")
    for feature in ward_features():
        props = feature["properties"]
        Ward.objects.update_or_create(
            code=props["wd19cd"], defaults={"name": props["wd19nm"], "boundary": feature["geometry"]}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_wards, migrations.RunPython.noop)]
