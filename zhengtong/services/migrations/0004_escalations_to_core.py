"""The cases' escalations move to the kernel's one escalation record
(core.WorkItemEscalation); timestamps and levels are kept, the subject is the application."""

from django.db import migrations


def _application_type(apps, alias):
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.using(alias).get_or_create(
        app_label="services", model="application"
    )[0]


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    old = apps.get_model("services", "CaseEscalation")
    new = apps.get_model("core", "WorkItemEscalation")
    application_type = _application_type(apps, alias)
    new.objects.using(alias).bulk_create(
        [
            new(
                work_item_id=row.work_item_id,
                level=row.level,
                subject_type=application_type,
                subject_id=str(row.application_id),
                at=row.at,
            )
            for row in old.objects.using(alias).all()
        ],
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    old = apps.get_model("services", "CaseEscalation")
    new = apps.get_model("core", "WorkItemEscalation")
    rows = new.objects.using(alias).filter(subject_type=_application_type(apps, alias))
    old.objects.using(alias).bulk_create(
        [
            old(
                work_item_id=row.work_item_id,
                level=row.level,
                application_id=int(row.subject_id),
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
        ("services", "0003_applications_and_cases"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
