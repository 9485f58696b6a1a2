"""Letters to applicants: the adverse-action letter of a recorded refusal, in English or
French, as HTML (Jinja2) and as a PDF (WeasyPrint). See :mod:`scoring.letters.render`."""

from scoring.letters.render import DEFAULT_LENDER, Lender, LetterError, letter_html, letter_pdf

__all__ = ["DEFAULT_LENDER", "Lender", "LetterError", "letter_html", "letter_pdf"]
