"""Error bodies in the caller's words, for the errors BentoML and Starlette word themselves.

BentoML answers an invalid request with ``{"error": "2 validation error for
ScoringRequestIODescriptor", "detail": [...]}``: an internal class name, and messages that say
what failed but not what to send. :func:`validation_error` keeps ``detail`` (loc, msg, type;
pydantic's documentation links dropped) for programs and rewrites what a person reads:

- ``error`` counts the problems and names each field with its message;
- an unknown field says where it belongs (an application's fields go under ``"application"``)
  or suggests the closest field names;
- a string where a number goes says that numbers are JSON numbers, without quotes;
- a day or month column out of its range says what the column counts and what its bounds are
  in years, from the schema.

Every message is made of field names, the schema and the route, never of a value sent:
BentoML's body carries none (``include_input=False``), and nothing here adds one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

from pydantic import BaseModel

from scoring.schema import APPLICATION_TEST, TABLES
from scoring.schema.core import Column, Table
from scoring.serving import schemas
from scoring.validation import closest

Loc = Sequence[str | int]

MAX_LISTED = 3  # kinds of problem quoted in ``error``; ``detail`` has every one
MAX_NAMED = 5  # fields named per kind of problem in ``error``
MAX_NAME = 40  # characters of a field name quoted in ``error`` (names are the caller's)
# Unknown names given a "did you mean": difflib compares a name with every field (~0.1 ms),
# and a body may hold 20,000 unknown fields.
MAX_SUGGESTED = 100
PAGE = "the API page at / has an example of each route"

TABLE_OF: dict[type[BaseModel], Table] = {
    schemas.ApplicationRecord: APPLICATION_TEST,
    **{model: TABLES[name] for name, model in schemas.RECORDS.items()},
}
_RANGE = ("greater_than_equal", "less_than_equal", "out_of_range")
_PER_YEAR = {"days": 365, "months": 12}
_NUMBER = 'must be a JSON number, written without quotes: 2.5, not "2.5"'
_INTEGER = 'must be a JSON integer, written without quotes: 2, not "2" or 2.5'
_UNDER_APPLICATION = (
    'the application\'s fields go under "application": {"application": {"AMT_CREDIT": …, …}}'
)


def validation_error(body: Mapping[str, Any], model: type[BaseModel]) -> dict[str, Any] | None:
    """BentoML's validation error for a request to ``model``, in plain words; None if ``body``
    is not one (its ``detail`` is not a list of pydantic errors)."""
    detail = body.get("detail")
    if not isinstance(detail, list) or not all(_is_error(item) for item in detail):
        return None
    return reworded(detail, model)


def reworded(detail: list[dict[str, Any]], model: type[BaseModel]) -> dict[str, Any]:
    """The error body of pydantic's ``detail`` for a request to ``model``."""
    suggestions = 0
    items = []
    for item in detail:
        suggest = suggestions < MAX_SUGGESTED
        suggestions += item["type"] == "extra_forbidden"
        message = _message(item["loc"], item["type"], item["msg"], model, suggest)
        items.append({"loc": item["loc"], "msg": message, "type": item["type"]})
    return {"error": _summary(items), "detail": items}


def method_not_allowed(method: str, path: str, allowed: str) -> dict[str, Any]:
    """405: which method the route takes (from Starlette's ``Allow`` header)."""
    methods = [m.strip() for m in allowed.split(",") if m.strip() and m.strip() != "HEAD"]
    use = " or ".join(methods) or "another method"
    body = " with a JSON body" if "POST" in methods else ""
    return {"error": f"{path} does not take {method}: send a {use}{body}; {PAGE}"}


def not_found() -> dict[str, Any]:
    """404 of a path that is no route (the path itself is not quoted: the caller chose it)."""
    return {"error": f"no such route: {PAGE}, and /docs.json lists them"}


def _is_error(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("loc"), list) and "type" in item


def _message(loc: Loc, kind: str, msg: str, model: type[BaseModel], suggest: bool) -> str:
    """The message of one error: pydantic's, unless it leaves the caller guessing."""
    if not loc:
        if kind == "json_invalid":
            return f"the body is not valid JSON ({msg.removeprefix('Invalid JSON: ')})"
        if kind == "model_type":
            return f"the body must be a JSON object; {PAGE}"
        return msg
    parent, name = _model_at(model, loc[:-1]), loc[-1]
    if parent is None or not isinstance(name, str):
        return msg
    if kind == "extra_forbidden":
        return _unknown_field(parent, loc, suggest)
    if kind == "float_type":
        return _NUMBER
    if kind == "int_type":
        return _INTEGER
    table = TABLE_OF.get(parent)
    if kind in _RANGE and table is not None and name in table:
        column = table[name]
        if column.unit in _PER_YEAR:
            return _period(column)
    return msg


def _unknown_field(parent: type[BaseModel], loc: Loc, suggest: bool) -> str:
    """Where an unknown field belongs, or the closest names among those ``parent`` and its
    application take."""
    name, own = loc[-1], list(parent.model_fields)
    application = parent.model_fields.get("application")
    record = _model_in(application.annotation) if application else None
    nested = list(record.model_fields) if record else []
    if name in nested:
        where = _where(loc[:-1]) or "the request"
        known = f', and a known client is {{"client_id": {schemas.DEMO_CLIENT_ID}}}'
        return f"not a field of {where}: {_UNDER_APPLICATION}{known if 'client_id' in own else ''}"
    close = closest(str(name), own + nested) if suggest else []
    if close:
        under = ' (under "application")' if set(close) <= set(nested) else ""
        return f"unknown field: did you mean {' or '.join(close)}{under}?"
    if len(own) <= 8:
        return f"unknown field: the fields here are {', '.join(own)}"
    return f"unknown field: /docs.json lists the {len(own)} fields here"


def _period(column: Column) -> str:
    """A day or month column's range, in words: what it counts, and its bounds in years."""
    unit = str(column.unit)
    per_year = _PER_YEAR[unit]
    if column.maximum is not None and column.maximum <= 0:
        counted = f"counted in {unit} before the application, as a negative number"
    else:
        counted = f"counted in {unit} from the application, negative before it, positive after"
    limits = [
        f"{word} {value:g} ({_in_years(value, per_year, unit)})"
        for word, value in (("at least", column.minimum), ("at most", column.maximum))
        if value is not None
    ]
    special = "".join(f", or the special value {value:g}" for value in column.special)
    what = column.label_en.split(" (")[0]  # "Age (days before application)" -> "Age"
    return (
        f"{what}, {counted} (-{per_year} is one year before): expected "
        f"{' and '.join(limits)}{special}"
    )


def _in_years(value: float, per_year: int, unit: str) -> str:
    if value == 0:
        return f"the {unit.removesuffix('s')} of the application"
    years = abs(value) / per_year
    amount = f"{years:g}" if years.is_integer() else f"about {round(years)}"
    return f"{amount} year{'' if years == 1 else 's'} {'before' if value < 0 else 'after'}"


def _model_at(model: type[BaseModel], path: Loc) -> type[BaseModel] | None:
    """The model that validates what ``path`` points into (list indexes skipped), or None."""
    current = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        nested = _model_in(field.annotation) if field else None
        if nested is None:
            return None
        current = nested
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Model | None`` or ``list[Model]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, (_model_in(arg) for arg in get_args(annotation))), None)


def _summary(items: list[dict[str, Any]]) -> str:
    """``2 problems in the request: where: what; ...``, alike problems named together."""
    places: dict[str, list[str]] = {}
    for item in items:
        places.setdefault(item["msg"], []).append(_where(item["loc"]))
    parts = []
    for message, where in list(places.items())[:MAX_LISTED]:
        named = ", ".join(w for w in where[:MAX_NAMED] if w)
        more = f" and {len(where) - MAX_NAMED} more" if len(where) > MAX_NAMED else ""
        parts.append(f"{named}{more}: {message}" if named else message)
    if len(places) > MAX_LISTED:
        parts.append(f"and {len(places) - MAX_LISTED} other kinds of problem (see detail)")
    count = len(items)
    return f"{count} problem{'' if count == 1 else 's'} in the request: " + "; ".join(parts)


def _where(loc: Loc) -> str:
    """``["applications", 1, "application", "X"]`` -> ``applications[1].application.X``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if len(part) <= MAX_NAME else part[:MAX_NAME] + "…"
            text += f".{name}" if text else name
    return text
