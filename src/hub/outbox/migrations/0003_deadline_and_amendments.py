from django.db import migrations, models
import django.db.models.deletion


def deadlines_fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from hub.outbox.deadline import deadline_for  # noqa: PLC0415

    OutgoingInvoice = apps.get_model("outbox", "OutgoingInvoice")
    for row in OutgoingInvoice.objects.filter(issue_date__isnull=False, deadline__isnull=True).iterator():
        OutgoingInvoice.objects.filter(pk=row.pk).update(deadline=deadline_for(row.issue_date))


class Migration(migrations.Migration):
    dependencies = [("outbox", "0002_buyer_messages")]

    operations = [
        migrations.AddField(
            model_name="outgoinginvoice",
            name="deadline",
            field=models.DateField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="outgoinginvoice",
            name="deadline_warned",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="outgoinginvoice",
            name="storno",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="outgoinginvoice",
            name="reference_number",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="outgoinginvoice",
            name="amends",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="amendments",
                to="outbox.outgoinginvoice",
            ),
        ),
        migrations.RunPython(deadlines_fill, migrations.RunPython.noop),
    ]
