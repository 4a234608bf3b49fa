from django.db import migrations


def seed(apps, schema_editor):
    from zhengtong.services.events import ensure_events

    ensure_events(apps.get_model("services", "ServiceEvent"))


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
