"""The letter to a refused applicant: a recorded refusal as HTML, then as a PDF.

A Jinja2 template (``letter.html.j2``, with ``letter.css`` beside it) lays the letter out;
every sentence comes from :mod:`scoring.wording.letters`, every reason from the published
list (:func:`scoring.explain.reasons.reason_codes`), so the letter never states a reason
the list does not. WeasyPrint turns the HTML into an A4 PDF with the system's fonts: the
template loads nothing from outside.

The letter states what adverse-action rules and the GDPR (Art. 22) ask of an automated
decision: that the credit is refused, its principal reasons, that a score was used (with
the model's version), and the right to a human review, to be heard and to contest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2

from scoring.explain.reasons import MAX_REASONS, reason_codes
from scoring.records.decisions import Decision
from scoring.wording import LANGUAGES, Language
from scoring.wording.formats import date
from scoring.wording.letters import letter_words

TEMPLATE = "letter.html.j2"
REFUSED = "refused"


@dataclass(frozen=True)
class Lender:
    """Who sends the letter and where the applicant writes back.

    The defaults are the product's own; a deployment gives its postal address and,
    if it has one, a telephone line. ``timezone`` dates the letter as the lender's
    calendar does (a decision at 23:30 UTC is the next day in Paris).
    """

    name: str = "Prêt à dépenser"
    team: str = "Service clients Prêt à dépenser"  # signs the letter, first line of the address
    address: tuple[str, ...] = ()  # postal lines after the team: street, postcode and town
    email: str = "service-clients@pret-a-depenser.fr"
    phone: str | None = None
    timezone: str = "Europe/Paris"

    def __post_init__(self) -> None:
        if not self.name.strip() or not self.team.strip():
            raise ValueError("a lender needs a name and a team to sign its letters")
        if not self.email.strip() and not self.address and not self.phone:
            raise ValueError(
                "a lender needs an e-mail, a postal address or a phone: the letter must say "
                "how to ask for a review"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"lender timezone {self.timezone!r} is not an IANA zone such as 'Europe/Paris'"
            ) from error


DEFAULT_LENDER = Lender()


class LetterError(ValueError):
    """The decision cannot be stated in a letter: not a refusal, or its reasons are not
    all published or not given; the message names the decision and what is wrong."""


def letter_html(decision: Decision, language: Language, lender: Lender = DEFAULT_LENDER) -> str:
    """The letter to the applicant refused by ``decision``, as a standalone HTML page.

    Raises :class:`LetterError` (a ``ValueError``) when ``decision`` is not a refusal, when
    it holds a reason code that is not published, or when it gives no reason at all (a
    refusal letter must); ``ValueError`` for a language other than English or French.
    """
    return _environment().get_template(TEMPLATE).render(_context(decision, language, lender))


def letter_pdf(decision: Decision, language: Language, lender: Lender = DEFAULT_LENDER) -> bytes:
    """The letter of :func:`letter_html` as an A4 PDF (WeasyPrint; needs Pango and fonts)."""
    html = letter_html(decision, language, lender)
    # Imported here: loading Pango costs a few hundred milliseconds nobody else should pay.
    import weasyprint  # type: ignore[import-untyped]

    # Tagged: a screen reader reads the headings, lists and table in order (2 ms more).
    pdf: bytes = weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
    return pdf


def _context(decision: Decision, language: Language, lender: Lender) -> dict[str, Any]:
    """What the template shows: the words of ``language`` filled in, and the decision's facts."""
    words = letter_words(language)
    if decision.final_decision != REFUSED:
        raise LetterError(
            f"decision {decision.decision_id} of application {decision.client_id} is "
            f"{decision.final_decision!r}, not {REFUSED!r}: only a refusal gets this letter"
        )
    reasons = _model_reasons(decision, language)
    person = (decision.reason or "").strip() if decision.overridden else ""
    if not reasons and not person:
        raise LetterError(
            f"decision {decision.decision_id} of application {decision.client_id} states no "
            "reason for the refusal (no model reason raising the risk, no person's reason): "
            "a refusal letter must give its reasons"
        )
    return {
        "language": language,
        "w": words,
        "lender": lender,
        "thanks": words["thanks"].format(lender=lender.name),
        "model": decision.model_tag,
        "date": date(_decision_day(decision, lender), language),
        "application": str(decision.client_id),
        "reference": decision.decision_id,
        "reasons": reasons,
        "person_reason": person,
        "person_decided": decision.recommendation != REFUSED,
    }


def _model_reasons(decision: Decision, language: Language) -> list[Mapping[str, str]]:
    """The model's principal reasons for refusing, in order, with their published sentence.

    When the score fell on the granting side (a person refused against it, or after a
    review), its reasons lower the risk: they explain a grant, not this refusal, so the
    letter states only the person's reason.
    """
    published = _published()
    unknown = [code for code in decision.reason_codes if code not in published]
    if unknown:
        raise LetterError(
            f"decision {decision.decision_id}: reason code(s) {', '.join(unknown)} are not in "
            "the published list (scoring.explain.reasons.reason_codes()); a letter states "
            "only published reasons"
        )
    grant_side = decision.probability < decision.threshold or any(
        code.endswith(".lowers") for code in decision.reason_codes
    )
    if grant_side:
        return []
    return [
        {"code": code, "text": published[code][language]}
        for code in decision.reason_codes[:MAX_REASONS]
    ]


def _decision_day(decision: Decision, lender: Lender) -> Date:
    """The calendar day of the decision in the lender's time zone."""
    try:
        moment = datetime.fromisoformat(decision.created_at)
    except ValueError as error:
        raise LetterError(
            f"decision {decision.decision_id}: created_at {decision.created_at!r} is not an "
            "ISO 8601 time such as '2026-12-07T09:30:00+00:00'"
        ) from error
    if moment.tzinfo is None:
        raise LetterError(
            f"decision {decision.decision_id}: created_at {decision.created_at!r} has no time "
            "zone; records are kept in UTC"
        )
    return moment.astimezone(ZoneInfo(lender.timezone)).date()


@cache
def _published() -> dict[str, dict[Language, str]]:
    """Each published code's sentence in each language."""
    return {
        item["code"]: {lang: item["text"][lang] for lang in LANGUAGES} for item in reason_codes()
    }


@cache
def _environment() -> jinja2.Environment:
    """The template folder, HTML-escaped, failing on any name the template misspells."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
