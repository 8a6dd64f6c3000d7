"""Hand-written SQL for the few hot paths where building a query with the ORM costs more than
running it: every signed-in request (the user and their roles) and the closing session's vote,
where hundreds of phones save their marks at once.

Table names always come from the models, values always go as parameters. Rows come back as
model instances that hold only the selected columns, converted as the ORM converts them (e.g.
aware datetimes on SQLite): any other field is deferred (loaded from the database if read),
never a wrong default."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from django.db import connection, models


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def columns(model: type[models.Model], alias: str) -> tuple[list[str], str]:
    """Every concrete field's attname, and the matching SELECT list for table ``alias``."""
    fields = model._meta.concrete_fields
    return (
        [f.attname for f in fields],
        ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields),
    )


def instance[M: models.Model](model: type[M], values: dict) -> M:
    """A model instance as if loaded from the database, with ``values`` keyed by attname."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    if len(names) != len(values):
        raise ValueError(f"Not fields of {model.__name__}: {set(values) - set(names)}")
    converted = []
    for name in names:
        value = values[name]
        col, converters = _converters(model, name, connection.alias)
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


@functools.cache
def _converters(model: type[models.Model], attname: str, alias: str):
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    col = field.get_col(model._meta.db_table)
    return col, connection.ops.get_db_converters(col) + field.get_db_converters(connection)


def values_placeholders(rows: int, columns: int) -> str:
    """``(%s, …), (%s, …)``: the VALUES of a multi-row INSERT."""
    return ", ".join(["(" + ", ".join(["%s"] * columns) + ")"] * rows)


def rows(sql: str, params: Sequence | dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def instances[M: models.Model](
    model: type[M], attnames: Iterable[str], sql: str, params
) -> list[M]:
    """Run ``sql``, whose columns are ``attnames`` in that order, and build instances."""
    attnames = list(attnames)
    return [instance(model, dict(zip(attnames, row, strict=True))) for row in rows(sql, params)]
