"""Shifted populations ("scenarios"), so the drift monitor can be shown to raise the right alerts.

A scenario turns a generated dataset into the population that one known change would bring: an
economic downturn, a new product mix, or an upstream bug. ``expected`` names the application
columns the change is about, the ones a drift monitor should rank first; ``reference`` changes
nothing and measures false alarms. Only the two application files change: the history tables
are the same clients' past.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.schema import APPLICATION_TRAIN, TABLES
from scoring.schema.common import DAYS_PER_YEAR
from training.validation import APPLICATION_NAMES, validate_frame

Frames = dict[str, pd.DataFrame]
Apply = Callable[[Frames, np.random.Generator], Frames]

INCOME_FALL = 0.25  # median fall of a client's income in the downturn
INCOME_FALL_SPREAD = 0.05  # standard deviation: 9 falls in 10 lie between 17 % and 33 %
DEFAULT_RISE = 0.04  # labelled clients turned defaulters in the downturn: ~8 % -> ~12 %
REVOLVING_SHARE = 0.40  # revolving loans in the new product mix (~10 % before)
AGE_FALL_YEARS = 8.0  # fall of the median age in the new product mix
UNIT_ERROR = 1000.0  # incomes sent in thousandths

REVOLVING = "Revolving loans"
TERMS = ["AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"]  # a loan's terms, copied together
# Dates that never precede birth, as the generator's rules have them.
AFTER_BIRTH = ("DAYS_REGISTRATION", "DAYS_ID_PUBLISH", "DAYS_LAST_PHONE_CHANGE")
_STREAM = 14  # keeps a scenario's draws apart from the generator's, which uses the bare seed


@dataclass(frozen=True)
class Scenario:
    """A population shift: ``apply`` returns new, validated frames and never mutates its input."""

    name: str
    summary_en: str
    summary_fr: str
    expected: tuple[str, ...]
    apply: Apply


def apply_scenario(frames: Frames, name: str, seed: int = 0) -> Frames:
    """``frames`` shifted by the scenario ``name``; same seed, same shift."""
    if name not in SCENARIOS:
        known = ", ".join(SCENARIOS)
        raise ValueError(f"unknown scenario {name!r}: expected one of {known}")
    return SCENARIOS[name].apply(frames, np.random.default_rng([seed, _STREAM]))


def changes(before: Frames, after: Frames) -> dict[str, dict[str, float]]:
    """Share of rows changed, per table and column, for what a scenario did (changed ones only)."""
    found: dict[str, dict[str, float]] = {}
    for name, frame in after.items():
        if frame.equals(before[name]):
            continue
        shares = {
            column: float(_differs(before[name][column], frame[column]).mean())
            for column in frame.columns
        }
        found[name] = {column: share for column, share in shares.items() if share > 0}
    return found


def _differs(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Rows whose value changed, a missing value equal to a missing one."""
    old_values, new_values = old.to_numpy(dtype=object), new.to_numpy(dtype=object)
    both_missing = pd.isna(old_values) & pd.isna(new_values)
    return ~((old_values == new_values) | both_missing)


def _each_application(frames: Frames, shift: Callable[[pd.DataFrame], pd.DataFrame]) -> Frames:
    """Shift both application files and re-validate every table, as the generator does.

    Validation builds new frames, so even the tables left alone are copies, not the input.
    """
    return {
        name: validate_frame(
            shift(frame) if name in APPLICATION_NAMES else frame,
            TABLES[name],
            f"shifted {name}",
        )
        for name, frame in frames.items()
    }


def _reference(frames: Frames, rng: np.random.Generator) -> Frames:
    return _each_application(frames, lambda frame: frame)


def _downturn(frames: Frames, rng: np.random.Generator) -> Frames:
    """Incomes fall by 25 % at the median (9 in 10 falls between 17 and 33 %), and the default
    rate of application_train rises by 4 points: from the generator's ~8 % to ~12 %."""
    return _each_application(frames, lambda frame: _more_defaults(_poorer(frame, rng), rng))


def _poorer(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Each income falls by INCOME_FALL give or take INCOME_FALL_SPREAD (between 5 and 50 %)."""
    fall = np.clip(rng.normal(INCOME_FALL, INCOME_FALL_SPREAD, len(frame)), 0.05, 0.5)
    return frame.assign(AMT_INCOME_TOTAL=frame["AMT_INCOME_TOTAL"] * (1.0 - fall))


def _more_defaults(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """DEFAULT_RISE of the labelled clients turn defaulters, the more likely the heavier their
    annuity against their fallen income: a client's chance is proportional to that burden."""
    if "TARGET" not in frame:
        return frame
    burden = (frame["AMT_ANNUITY"] / frame["AMT_INCOME_TOTAL"]).to_numpy()
    burden = np.where(np.isnan(burden), np.nanmedian(burden), burden)  # annuity not sent
    repaying = np.flatnonzero(frame["TARGET"].to_numpy() == 0)
    count = min(round(DEFAULT_RISE * len(frame)), len(repaying))
    weights = burden[repaying] / burden[repaying].sum()
    target = frame["TARGET"].to_numpy(copy=True)
    target[rng.choice(repaying, count, replace=False, p=weights)] = 1
    return frame.assign(TARGET=target)


def _product_mix(frames: Frames, rng: np.random.Generator) -> Frames:
    applications = [frames[n] for n in APPLICATION_NAMES if n in frames]
    donors = pd.concat([f.loc[f["NAME_CONTRACT_TYPE"] == REVOLVING] for f in applications])
    if donors.empty:
        raise ValueError("product_mix copies the terms of revolving loans, and there are none")
    donors = donors.sort_values("AMT_INCOME_TOTAL")
    return _each_application(frames, lambda frame: _younger(_revolving(frame, donors, rng)))


def _revolving(frame: pd.DataFrame, donors: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Cash loans turned revolving until they make REVOLVING_SHARE of the file.

    The generator has no rule of its own for revolving terms (they come out of its copula), so a
    converted loan takes the amounts of a generated revolving loan whose client earns about as
    much: the terms stay those of a revolving loan, and the burden stays in line with income.
    """
    cash = np.flatnonzero((frame["NAME_CONTRACT_TYPE"] != REVOLVING).to_numpy())
    count = max(round(REVOLVING_SHARE * len(frame)) - (len(frame) - len(cash)), 0)
    chosen = np.zeros(len(frame), dtype=bool)
    chosen[rng.choice(cash, count, replace=False)] = True
    incomes = donors["AMT_INCOME_TOTAL"].to_numpy()
    near = np.searchsorted(incomes, frame["AMT_INCOME_TOTAL"].to_numpy()[chosen])
    width = max(len(donors) // 20, 1)  # a twentieth of the donors on each side
    jitter = rng.integers(-width, width + 1, count)
    picked = np.clip(near + jitter, 0, len(donors) - 1)
    out = frame.copy()
    out.loc[chosen, "NAME_CONTRACT_TYPE"] = REVOLVING
    out.loc[chosen, TERMS] = donors[TERMS].to_numpy()[picked]
    return out


def _younger(frame: pd.DataFrame) -> pd.DataFrame:
    """Ages drawn towards the youngest allowed, so that the median falls by AGE_FALL_YEARS.

    Adult life (age minus the schema's minimum age) shrinks by one factor for everyone, so no
    one falls below the minimum; working life shrinks with it and is cut at adult life.
    """
    adult = APPLICATION_TRAIN["DAYS_BIRTH"].maximum  # days at the youngest age allowed
    assert adult is not None  # the schema sets it
    sentinels = APPLICATION_TRAIN["DAYS_EMPLOYED"].special  # pensioners, the unemployed
    birth = frame["DAYS_BIRTH"].to_numpy()
    median = np.median(birth)
    factor = (median + AGE_FALL_YEARS * DAYS_PER_YEAR - adult) / (median - adult)
    birth = np.round(adult + (birth - adult) * factor)
    days_employed = frame["DAYS_EMPLOYED"].to_numpy()
    working = np.maximum(np.round(days_employed * factor), birth - adult)
    out = frame.assign(
        DAYS_BIRTH=birth,
        DAYS_EMPLOYED=np.where(np.isin(days_employed, sentinels), days_employed, working),
    )
    for column in AFTER_BIRTH:
        out[column] = out[column].clip(lower=out["DAYS_BIRTH"])
    return out


def _missing_feature(frames: Frames, rng: np.random.Generator) -> Frames:
    return _each_application(frames, lambda frame: frame.assign(EXT_SOURCE_3=np.nan))


def _income_unit(frames: Frames, rng: np.random.Generator) -> Frames:
    """Incomes ×1000; one that would pass the schema's maximum keeps its value, so the files
    still load (in production the API refuses such a row: it never reaches the monitor)."""
    ceiling = APPLICATION_TRAIN["AMT_INCOME_TOTAL"].maximum
    assert ceiling is not None  # the schema sets it

    def wrong_unit(frame: pd.DataFrame) -> pd.DataFrame:
        income = frame["AMT_INCOME_TOTAL"]
        return frame.assign(
            AMT_INCOME_TOTAL=income.where(income * UNIT_ERROR > ceiling, income * UNIT_ERROR)
        )

    return _each_application(frames, wrong_unit)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "reference",
            "No change: the same population, to measure false alarms.",
            "Aucun changement : la même population, pour mesurer les fausses alertes.",
            (),
            _reference,
        ),
        Scenario(
            "downturn",
            "Economic downturn: incomes fall by about 25 %; 4 in 100 clients who repaid now "
            "default, most often those whose annuity weighs most on their income.",
            "Crise économique : les revenus baissent d'environ 25 % ; 4 clients sur 100 qui "
            "remboursaient font défaut, surtout ceux dont l'annuité pèse le plus sur le revenu.",
            ("AMT_INCOME_TOTAL",),
            _downturn,
        ),
        Scenario(
            "product_mix",
            "New product mix: 40 % revolving loans instead of about 10 %, and applicants "
            "8 years younger at the median.",
            "Nouvelle gamme : 40 % de crédits renouvelables au lieu d'environ 10 %, et des "
            "demandeurs plus jeunes de 8 ans en médiane.",
            ("NAME_CONTRACT_TYPE", "DAYS_BIRTH"),
            _product_mix,
        ),
        Scenario(
            "missing_feature",
            "Upstream bug: external score 3 (EXT_SOURCE_3) is missing for every client.",
            "Anomalie en amont : le score externe 3 (EXT_SOURCE_3) manque pour tous les clients.",
            ("EXT_SOURCE_3",),
            _missing_feature,
        ),
        Scenario(
            "income_unit",
            "Upstream bug: incomes sent in the wrong unit (×1000).",
            "Anomalie en amont : revenus envoyés dans la mauvaise unité (×1000).",
            ("AMT_INCOME_TOTAL",),
            _income_unit,
        ),
    )
}
