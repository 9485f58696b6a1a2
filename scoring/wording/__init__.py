"""Words and formats people read, in English and French: one source for the API's reasons,
the dashboard and the letters.

Model-free (the dashboard imports it): :mod:`~scoring.wording.formats` turns numbers,
amounts, dates and durations into text; :mod:`~scoring.wording.levels` names category
levels.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
