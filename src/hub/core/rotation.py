"""Key rotation: re-encrypt every `EncryptedTextField` value with the current first key."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from hub.core.crypto import EncryptedTextField, rotate


def rotate_all() -> dict[str, int]:
    """Rotate every encrypted column of every model; returns rows touched per model."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = [field for field in model._meta.get_fields() if isinstance(field, EncryptedTextField)]
        if not fields:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(field.column) for field in fields]
        touched = 0
        with connection.cursor() as cursor:
            # Raw SQL on purpose: the ciphertext is rotated without ever holding the plaintext in a model.
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")  # noqa: S608
            for row in cursor.fetchall():
                new_values = [rotate(value) if value else value for value in row[1:]]
                assignments = ", ".join(f"{column} = %s" for column in columns)
                cursor.execute(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                    [*new_values, row[0]],
                )
                touched += 1
        counts[model._meta.label] = touched
    return counts
