"""Key rotation: re-encrypt every `EncryptedTextField` value with the current first key.

Safe while workers run: each row is rewritten only if it still holds the ciphertext that was read
(compare-and-swap), so a token a worker renewed meanwhile (ANAF rotates the refresh token on every refresh)
is never overwritten with the re-encrypted old one; such a row is read again and rotated on the next pass.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection

from hub.core.crypto import EncryptedTextField, rotate

PASSES = 10


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
        # Raw SQL on purpose: the ciphertext is rotated without ever holding the plaintext in a model.
        select = f"SELECT {pk}, {', '.join(columns)} FROM {table}"  # noqa: S608
        touched, pending = 0, None
        for _pass in range(PASSES):
            with connection.cursor() as cursor:
                if pending is None:
                    cursor.execute(select)
                else:
                    if not pending:
                        break
                    marks = ", ".join(["%s"] * len(pending))
                    cursor.execute(f"{select} WHERE {pk} IN ({marks})", pending)
                changed: list[Any] = []
                for row in cursor.fetchall():
                    if _swap(cursor, table, pk, columns, row):
                        touched += 1
                    else:
                        changed.append(row[0])  # written meanwhile: read it again
                pending = changed
        if pending:
            raise RuntimeError(f"{model._meta.label}: rows {pending} kept changing; run the rotation again")
        counts[model._meta.label] = touched
    return counts


def _swap(cursor: Any, table: str, pk: str, columns: list[str], row: tuple[Any, ...]) -> bool:
    """Rewrite one row with rotated values if it still holds `row`'s values; True when it did."""
    old_values = list(row[1:])
    new_values = [rotate(value) if value else value for value in old_values]
    assignments = ", ".join(f"{column} = %s" for column in columns)
    conditions, parameters = [f"{pk} = %s"], [row[0]]
    for column, value in zip(columns, old_values, strict=True):
        if value is None:
            conditions.append(f"{column} IS NULL")
        else:
            conditions.append(f"{column} = %s")
            parameters.append(value)
    cursor.execute(
        f"UPDATE {table} SET {assignments} WHERE {' AND '.join(conditions)}",  # noqa: S608
        [*new_values, *parameters],
    )
    return bool(cursor.rowcount == 1)
