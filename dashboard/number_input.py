"""Numbers typed the way the advisor writes them, in English or French.

A browser number box knows one notation and silently throws away the rest: "100 000,50"
typed in a French page would revert to the old amount. Here the text is read on the
server: French groups thousands with a space (a normal, no-break or narrow no-break one)
and writes decimals after a comma; English groups with commas (or spaces) and uses a point.
What cannot be read is said next to the field, and the last good value stays in force.
"""

from __future__ import annotations

import html
import re

import panel as pn
import param
from panel.viewable import Viewer

from dashboard.charts import REFUSAL, TEXT
from dashboard.wording import word
from scoring.wording import LANGUAGES, Language
from scoring.wording.formats import number

SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_GROUPED = {  # thousands in groups of three, or no grouping at all; then the decimals
    "en": re.compile(rf"(\d{{1,3}}(?:[,{SPACES}]\d{{3}})+|\d+)(\.\d+)?"),
    "fr": re.compile(rf"(\d{{1,3}}(?:[{SPACES}]\d{{3}})+|\d+)(,\d+)?"),
}


class Unreadable(ValueError):
    """Text that is no number in the advisor's language; the message says how to write it."""


def parse_number(text: str, language: Language, example: str, unit: str = "") -> float:
    """The number written in ``text``; a trailing ``unit`` ("€") may be typed or not.

    Raises :class:`Unreadable` with a sentence for the advisor, quoting ``example``.
    """
    cleaned = text.strip()
    if unit and cleaned.endswith(unit):
        cleaned = cleaned[: -len(unit)].strip(SPACES)
    sign = -1.0 if cleaned[:1] in ("-", "−") else 1.0  # read, so the error can say why
    match = _GROUPED[language].fullmatch(cleaned[1:] if sign < 0 else cleaned)
    if match is None:
        raise Unreadable(word("not_a_number", language, text=text.strip(), example=example))
    whole = re.sub(rf"[,{SPACES}]", "", match.group(1))
    decimals = (match.group(2) or "")[1:]
    return sign * float(f"{whole}.{decimals}" if decimals else whole)


class NumberField(Viewer):
    """One labelled text box holding a positive number, shown in the advisor's notation."""

    value = param.Number(default=None, allow_None=True, doc="The last number read.")
    text = param.String(default="", doc="What the box shows or the advisor typed.")
    error = param.String(default="", doc="Why the text typed could not be used.")
    label = param.String(default="", doc="The field's label, in the advisor's language.")
    language = param.Selector(default="en", objects=list(LANGUAGES), doc="Notation of numbers.")
    decimals = param.Integer(default=2, bounds=(0, 2), doc="Decimals shown of a fraction.")
    example = param.String(default="", doc="How to write a number here, for the error.")
    unit = param.String(default="", doc="A unit the advisor may type after the number.")
    maximum = param.Number(default=None, allow_None=True, doc="Largest value accepted.")
    _showing = False  # set while the box is rewritten from the value, so it is not re-read

    @param.depends("value", "language", watch=True, on_init=True)
    def _show(self) -> None:
        """Write the value in the language's notation, clearing any earlier complaint."""
        self._showing = True
        try:
            shown = "" if self.value is None else number(self.value, self.language, self._places())
            self.param.update(text=shown, error="")
        finally:
            self._showing = False

    def _places(self) -> int:
        return 0 if self.value is None or float(self.value).is_integer() else self.decimals

    @param.depends("text", watch=True)
    def _read(self) -> None:
        """Read what was typed; keep the last good value and say why when it cannot be used."""
        if self._showing:
            return
        try:
            value = parse_number(self.text, self.language, self.example, self.unit)
        except Unreadable as problem:
            self.error = str(problem)
            return
        if value <= 0:
            self.error = word("not_positive", self.language, text=self.text.strip())
        elif self.maximum is not None and value > self.maximum:
            limit = number(self.maximum, self.language)
            self.error = word("too_large", self.language, text=self.text.strip(), limit=limit)
        elif value == self.value:
            self._show()  # the same number written another way: show it the usual way
        else:
            self.value = value

    def __panel__(self) -> pn.viewable.Viewable:
        box = pn.widgets.TextInput.from_param(
            self.param.text, name=self.param.label, description=None, width=200
        )
        problem = pn.pane.HTML(
            self.param.error.rx.pipe(_problem_html),
            visible=self.param.error.rx.pipe(bool),
            width=200,
            margin=(0, 10),
        )
        return pn.Column(box, problem, width=220)


def _problem_html(error: str) -> str:
    """The complaint beside a ⚠ sign and a vermillion bar, so colour is not the only cue."""
    if not error:
        return ""
    return (
        f'<div style="border-left: 4px solid {REFUSAL}; padding-left: 6px; color: {TEXT}; '
        f'font-size: 0.9em">⚠ {html.escape(error, quote=False)}</div>'
    )
