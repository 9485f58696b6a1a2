"""The points scale and the risk grades credit people read beside the probability.

One definition for training (which measures each grade on the holdout and stores the scale
with the model), the service (which gives every score its points and grade) and the
dashboard. Model-free: numbers only.

**Points** follow the usual scorecard convention, points = offset + factor · ln(odds), where
the odds are good:bad, (1 − p) / p; the factor is ``pdo / ln 2`` and the offset
``base_points − factor · ln(base_odds)``. With the defaults, 50:1 odds score 600 points and
each 20 points more doubles the odds: higher is safer.

**Grades** A to E are fixed bands of probability of default (a "master scale"): a grade means
the same risk whatever the model or the month, so grades can be compared over time and a
new model is judged on how it fills them, not on how it redraws them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

import numpy as np

DEFAULT_BASE_POINTS = 600.0
DEFAULT_BASE_ODDS = 50.0
DEFAULT_PDO = 20.0
Grade = Literal["A", "B", "C", "D", "E"]
GRADES: tuple[Grade, ...] = ("A", "B", "C", "D", "E")
# Upper bounds of grades A to D (E is the rest), in probability of default. Chosen for a
# consumer-credit book that defaults about 8 % of the time: each bound doubles the one
# before, so each grade is about one doubling of the odds (20 points on the default scale)
# wide. A (under 2.5 %) is under a third of the average risk; C (5 % to 10 %) holds the
# average applicant and the usual cost-based limit (a 10:1 cost breaks even at 1/11 ≈ 9 %),
# so a C is where a person looks closest; D (10 % to 20 %) is above the limit; E (20 % and
# more) defaults at least one time in five.
DEFAULT_GRADE_BOUNDS = (0.025, 0.05, 0.10, 0.20)
# Probabilities are clipped this far from 0 and 1 so that a certain score still has points.
_EDGE = 1e-6


class ScaleError(ValueError):
    """A setting of the points scale or of the grades is not usable: ``setting`` names it."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting} {problem}")
        self.setting = setting


@dataclass(frozen=True)
class PointsScale:
    """Points at a reference odds, points to double the odds, and the grades' bounds."""

    base_points: float = DEFAULT_BASE_POINTS
    base_odds: float = DEFAULT_BASE_ODDS
    pdo: float = DEFAULT_PDO
    grade_bounds: tuple[float, ...] = field(default=DEFAULT_GRADE_BOUNDS)

    def __post_init__(self) -> None:
        if not _finite(self.base_points):
            raise ScaleError("base_points", f"must be a finite number, got {self.base_points!r}")
        if not (_finite(self.base_odds) and self.base_odds > 0):
            raise ScaleError(
                "base_odds",
                f"must be a number above 0 (good:bad odds, 50 for 50:1), got {self.base_odds!r}",
            )
        if not (_finite(self.pdo) and self.pdo > 0):
            raise ScaleError(
                "pdo", f"(points to double the odds) must be a number above 0, got {self.pdo!r}"
            )
        bounds = tuple(self.grade_bounds)
        if (
            len(bounds) != len(GRADES) - 1
            or not all(_finite(b) and 0 < b < 1 for b in bounds)
            or any(low >= high for low, high in pairwise(bounds))
        ):
            raise ScaleError(
                "grade_bounds",
                f"must be {len(GRADES) - 1} increasing probabilities between 0 "
                f"and 1, the upper bounds of grades {', '.join(GRADES[:-1])} (for example "
                f"{', '.join(f'{b:g}' for b in DEFAULT_GRADE_BOUNDS)}), got {list(bounds)!r}",
            )
        object.__setattr__(self, "grade_bounds", tuple(float(b) for b in bounds))

    @property
    def factor(self) -> float:
        """Points per unit of log-odds."""
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        """Points at even odds (1:1)."""
        return self.base_points - self.factor * math.log(self.base_odds)

    def points(self, probability: Any) -> Any:
        """The points of a probability of default (or an array of them), unrounded."""
        p = np.clip(np.asarray(probability, dtype=float), _EDGE, 1 - _EDGE)
        result = self.offset + self.factor * np.log((1 - p) / p)
        return float(result) if result.ndim == 0 else result

    def probability(self, points: Any) -> Any:
        """The probability of default a number of points stands for (inverse of points)."""
        odds = np.exp((np.asarray(points, dtype=float) - self.offset) / self.factor)
        result = 1 / (1 + odds)
        return float(result) if result.ndim == 0 else result

    def grade_index(self, probability: Any) -> Any:
        """0 for A to 4 for E; a probability equal to a bound goes to the riskier grade."""
        index = np.searchsorted(self.grade_bounds, np.asarray(probability, dtype=float), "right")
        return int(index) if np.ndim(index) == 0 else index

    def grade(self, probability: float) -> Grade:
        """The grade of one probability of default."""
        return GRADES[self.grade_index(probability)]

    def band(self, grade: Grade) -> tuple[float, float]:
        """The probabilities [low, high) of a grade."""
        i = GRADES.index(grade)
        edges = (0.0, *self.grade_bounds, 1.0)
        return edges[i], edges[i + 1]

    def to_dict(self) -> dict[str, Any]:
        """The settings, JSON-ready, with the factor and offset they give."""
        return {
            "base_points": self.base_points,
            "base_odds": self.base_odds,
            "pdo": self.pdo,
            "factor": self.factor,
            "offset": self.offset,
            "grade_bounds": list(self.grade_bounds),
            "grades": list(GRADES),
        }

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> PointsScale:
        """The scale :meth:`to_dict` wrote (derived figures are recomputed, not read)."""
        return cls(
            base_points=settings["base_points"],
            base_odds=settings["base_odds"],
            pdo=settings["pdo"],
            grade_bounds=tuple(settings["grade_bounds"]),
        )


@dataclass(frozen=True)
class Rating:
    """A scale and what training observed in each grade: what a score is given."""

    scale: PointsScale = field(default_factory=PointsScale)
    # One row per grade, as training measured them on the holdout (``grade``,
    # ``observed_rate``, counts, ranges); empty for a model trained before they were stored.
    grades: tuple[Mapping[str, Any], ...] = ()

    def rate(self, probability: float) -> tuple[int, Grade, float | None]:
        """Whole points, grade, and the grade's observed default rate."""
        grade = self.scale.grade(probability)
        observed = {row["grade"]: row.get("observed_rate") for row in self.grades}
        return round(self.scale.points(probability)), grade, observed.get(grade)

    def rate_many(
        self, probabilities: np.ndarray
    ) -> tuple[list[int], list[Grade], list[float | None]]:
        """:meth:`rate` of each probability, in one vectorised pass (a batch of 10,000 spent
        0.14 s rating one probability at a time)."""
        # np.rint rounds half to even, as round() does.
        points = np.rint(self.scale.points(np.asarray(probabilities, dtype=float)))
        index = np.atleast_1d(self.scale.grade_index(probabilities))
        observed = {row["grade"]: row.get("observed_rate") for row in self.grades}
        grades = np.array(GRADES, dtype=object)[index]
        rates = np.array([observed.get(g) for g in GRADES], dtype=object)[index]
        return np.atleast_1d(points).astype(np.int64).tolist(), grades.tolist(), rates.tolist()

    def to_dict(self) -> dict[str, Any]:
        """The model card's ``scale`` section: settings and grade table."""
        return {"settings": self.scale.to_dict(), "grades": [dict(row) for row in self.grades]}

    @classmethod
    def from_section(cls, section: Mapping[str, Any] | None) -> Rating:
        """The rating stored with a model (the ``scale`` section of its card); the default
        scale, with no observed rates, for a model trained before scales were stored."""
        if not section:
            return cls()
        return cls(PointsScale.from_dict(section["settings"]), tuple(section.get("grades", ())))


def parse_bounds(text: str) -> tuple[float, ...]:
    """``"0.025,0.05,0.1,0.2"`` as grade bounds, or a :class:`ScaleError` naming the setting."""
    try:
        return tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise ScaleError(
            "grade_bounds",
            f"must be probabilities separated by commas, such as "
            f"{','.join(f'{b:g}' for b in DEFAULT_GRADE_BOUNDS)}; got {text!r}",
        ) from error


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


__all__ = ["GRADES", "Grade", "PointsScale", "Rating", "ScaleError", "parse_bounds"]
