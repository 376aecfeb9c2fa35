"""Write rows on a hot path with statements built once per model and database.

`Model.objects.create` and `bulk_create` compile their SQL again on every call, which costs more CPU than
the database's work for the few rows a document has. These helpers prepare each INSERT or UPDATE once from
the model's metadata and then only convert the values, field by field, as Django's own save does
(`pre_save`, then `get_db_prep_save`). `row_insert` keeps `save()`'s contract (its signals, the instance's
state); `rows_insert` keeps `bulk_create`'s (no signals, no ids read back) and writes them as one statement.

Only plain models qualify: no multi-table inheritance, no field with its own SQL placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import post_save, pre_save

__all__ = ["row_insert", "row_update", "rows_insert"]


@dataclass(frozen=True, slots=True)
class _Insert:
    sql: str
    fields: tuple[models.Field[Any, Any], ...]
    group: str  # one row's placeholders, "(%s, %s, ...)": `sql` ends with it unless a clause follows


_MOST_PLACEHOLDERS = 65_535

_INSERTS: dict[tuple[type[models.Model], str, bool, bool], _Insert] = {}
_UPDATES: dict[
    tuple[type[models.Model], str, tuple[str, ...]], tuple[str, tuple[models.Field[Any, Any], ...]]
] = {}


def _insert(
    model: type[models.Model], connection: BaseDatabaseWrapper, returning: bool, skip_conflict: bool = False
) -> _Insert:
    key = (model, connection.vendor, returning, skip_conflict)
    if (statement := _INSERTS.get(key)) is not None:
        return statement
    meta = model._meta
    if meta.parents:
        raise TypeError(f"{meta.label} inherits another model's table: use save()")
    fields = tuple(
        field for field in meta.concrete_fields if field is not meta.auto_field and not field.generated
    )
    if any(hasattr(field, "get_placeholder") for field in fields):
        raise TypeError(f"{meta.label} has a field with its own placeholder: use save()")
    quote = connection.ops.quote_name
    group = f"({', '.join(['%s'] * len(fields))})"
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {group}"  # noqa: S608
    if skip_conflict:  # the same clause on SQLite and PostgreSQL: any unique constraint, nothing written
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    statement = _INSERTS[key] = _Insert(sql, fields, group)
    return statement


def _values(statement: _Insert, row: models.Model, connection: BaseDatabaseWrapper) -> list[Any]:
    return [field.get_db_prep_save(field.pre_save(row, True), connection) for field in statement.fields]


def row_insert(row: models.Model, *, using: str = "default", skip_conflict: bool = False) -> bool:
    """Insert a new instance as `row.save()` would (pre_save and post_save sent, `row.pk` set from the
    database); the model must have an automatic primary key. With `skip_conflict`, a row that would break a
    unique constraint is not written: False, `row` stays unsaved and post_save is not sent (pre_save was)."""
    model = type(row)
    if row.pk is not None or model._meta.auto_field is None:
        raise ValueError("row_insert writes new rows with an automatic primary key")
    connection = connections[using]
    pre_save.send(sender=model, instance=row, raw=False, using=using, update_fields=None)
    statement = _insert(model, connection, returning=True, skip_conflict=skip_conflict)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, _values(statement, row, connection))
        written = cursor.fetchone()
    if written is None:
        return False
    row.pk = model._meta.pk.to_python(written[0])
    row._state.adding, row._state.db = False, using
    post_save.send(sender=model, instance=row, created=True, update_fields=None, raw=False, using=using)
    return True


def rows_insert(rows: Iterable[models.Model], *, using: str = "default") -> None:
    """Insert new instances of one model as `bulk_create` does (no signals, ids not read back)."""
    batch = list(rows)
    if not batch:
        return
    model = type(batch[0])
    if any(type(row) is not model for row in batch):
        raise TypeError("rows_insert writes rows of one model")
    connection = connections[using]
    statement = _insert(model, connection, returning=False)
    # One statement of many VALUES groups, in chunks the database takes (SQLite caps the placeholders, and
    # PostgreSQL's protocol counts them in 16 bits): a round trip and a parse for a document's lines, not one
    # for each line.
    fields = list(statement.fields)
    size = max(1, min(connection.ops.bulk_batch_size(fields, batch), _MOST_PLACEHOLDERS // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(batch), size):
            chunk = batch[start : start + size]
            parameters = [value for row in chunk for value in _values(statement, row, connection)]
            cursor.execute(statement.sql + f", {statement.group}" * (len(chunk) - 1), parameters)


def row_update(model: type[models.Model], pk: Any, *, using: str = "default", **values: Any) -> int:
    """`model.objects.filter(pk=pk).update(**values)` (no signals, as `update` sends none); the count."""
    connection = connections[using]
    names = tuple(values)
    key = (model, connection.vendor, names)
    if (prepared := _UPDATES.get(key)) is None:
        meta = model._meta
        fields = tuple(meta.get_field(name) for name in names)
        concrete: Sequence[models.Field[Any, Any]] = [
            field for field in fields if isinstance(field, models.Field)
        ]
        if len(concrete) != len(fields) or any(field.primary_key for field in concrete):
            raise ValueError(f"row_update sets concrete, non-key fields of {meta.label}")
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        prepared = _UPDATES[key] = (sql, tuple(concrete))
    sql, fields = prepared
    parameters = [
        field.get_db_prep_save(values[name], connection) for name, field in zip(names, fields, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parameters, model._meta.pk.get_db_prep_value(pk, connection)])
        return int(cursor.rowcount)
