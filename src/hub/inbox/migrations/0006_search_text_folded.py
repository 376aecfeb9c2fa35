"""The stored search column without diacritics: rows written before are folded again (`hub.core.text.fold`).

The column and its trigram index stay; only their contents change, so `LIKE '%brutaria%'` finds
"Brutăria" on SQLite and PostgreSQL alike.
"""

from django.db import migrations

from hub.core.text import fold

BATCH = 2000


def fold_search(apps, schema_editor):
    Invoice = apps.get_model("inbox", "Invoice")
    changed = []
    for row in Invoice.objects.only("pk", "search").iterator(chunk_size=BATCH):
        folded = fold(row.search)
        if folded != row.search:
            row.search = folded
            changed.append(row)
        if len(changed) >= BATCH:
            Invoice.objects.bulk_update(changed, ["search"])
            changed = []
    if changed:
        Invoice.objects.bulk_update(changed, ["search"])


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0005_damaged_zips_and_sweep"),
    ]

    operations = [
        migrations.RunPython(fold_search, migrations.RunPython.noop),
    ]
