"""Loading one object by primary key from SQL compiled once per process.

Django spends most of a simple query's time building its SQL, not running it: loading
an article with its pictures, units and catalogue entry (five joins, some sixty
columns) took about 3 ms to compile and 0.1 ms to run. `fetch_by_pk` compiles the
queryset once (per process and database connection), keeps Django's compiler, and for
each later call runs the same SQL with the new key and builds the object exactly as
Django's ModelIterable does (converters, select_related objects, post_init signals).
"""

import threading
from typing import Any

from django.db import connections
from django.db.models.query import get_related_populators

# A key no row has; its place among the compiled parameters is where the real one goes.
_PLACEHOLDER = -7318274911
_compiled: dict[Any, Any] = {}
_lock = threading.Lock()


def _compile(build, using):
    queryset = build().filter(pk=_PLACEHOLDER)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    slots = [i for i, value in enumerate(params) if value == _PLACEHOLDER]
    if len(slots) != 1:
        return None
    return compiler, sql, tuple(params), slots[0]


def fetch_by_pk(key, build, pk, using="default"):
    """`build().filter(pk=pk).first()` (with its select_related objects), from SQL
    compiled at the first call for `key`. `build` must give the same query every time
    (key it by what changes it, e.g. the model)."""
    connection = connections[using]
    compiled = _compiled.get((key, using))
    if compiled is None or compiled[0].connection is not connection:
        compiled = _compile(build, using)
        if compiled is None:  # the key is not a plain parameter: the ordinary way
            return build().filter(pk=pk).first()
        with _lock:
            _compiled[(key, using)] = compiled
    compiler, sql, params, slot = compiled
    params = list(params)
    params[slot] = pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    row = next(iter(compiler.results_iter(results=[rows[:1]])))
    # As django.db.models.query.ModelIterable.
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    obj = klass_info["model"].from_db(using, names, row[start:end])
    for populator in get_related_populators(klass_info, select, using):
        populator.populate(row, obj)
    for name, position in (compiler.annotation_col_map or {}).items():
        setattr(obj, name, row[position])
    return obj


def forget():
    """Drop every compiled query (tests; after a schema change)."""
    with _lock:
        _compiled.clear()
