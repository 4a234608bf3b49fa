"""The letters' escalations move to the kernel's one escalation record
(core.WorkItemEscalation); timestamps and levels are kept, the subject is the letter."""

from django.db import migrations


def _letter_type(apps, alias):
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.using(alias).get_or_create(app_label="letters", model="letter")[0]


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    old = apps.get_model("letters", "Escalation")
    new = apps.get_model("core", "WorkItemEscalation")
    letter_type = _letter_type(apps, alias)
    new.objects.using(alias).bulk_create(
        [
            new(
                work_item_id=row.work_item_id,
                level=row.level,
                subject_type=letter_type,
                subject_id=str(row.letter_id),
                at=row.at,
            )
            for row in old.objects.using(alias).all()
        ],
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    old = apps.get_model("letters", "Escalation")
    new = apps.get_model("core", "WorkItemEscalation")
    rows = new.objects.using(alias).filter(subject_type=_letter_type(apps, alias))
    old.objects.using(alias).bulk_create(
        [
            old(
                work_item_id=row.work_item_id,
                level=row.level,
                letter_id=int(row.subject_id),
                at=row.at,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_workitemescalation"),
        ("letters", "0002_default_reasons"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
