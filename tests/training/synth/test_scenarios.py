"""Shifted populations (training/synth/scenarios.py) move what they promise, by the amount they
promise, and nothing else; they validate, never touch their input, and the ``generate`` command
writes them (training/cli/data.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN, TABLES
from scoring.schema.common import DAYS_PER_YEAR
from training.cli import app
from training.cli.data import ScenarioName
from training.data import load_dataset
from training.synth import generate_dataset
from training.synth.scenarios import (
    AFTER_BIRTH,
    AGE_FALL_YEARS,
    DEFAULT_RISE,
    INCOME_FALL,
    REVOLVING,
    REVOLVING_SHARE,
    SCENARIOS,
    TERMS,
    UNIT_ERROR,
    apply_scenario,
    changes,
)
from training.validation import APPLICATION_NAMES, validate_frame

CLIENTS = 3_000
HISTORY = [name for name in TABLES if name not in APPLICATION_NAMES]
# Whole tables compare with DataFrame.equals (values, missing places and dtypes): pandas'
# assert_frame_equal takes seconds on the history tables.
SENTINEL = APPLICATION_TRAIN["DAYS_EMPLOYED"].special[0]
YOUNGEST = APPLICATION_TRAIN["DAYS_BIRTH"].maximum  # days before the application at 18


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate_dataset(CLIENTS, seed=3)


@pytest.fixture(scope="module")
def shifted(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, pd.DataFrame]]:
    """Every scenario applied once to the same dataset."""
    return {name: apply_scenario(frames, name, seed=1) for name in SCENARIOS}


def _applications(
    frames: dict[str, pd.DataFrame], shifted: dict[str, pd.DataFrame]
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    return [(frames[name], shifted[name]) for name in APPLICATION_NAMES]


def _assert_same_except(
    before: pd.DataFrame, after: pd.DataFrame, changed: set[str] | list[str]
) -> None:
    kept = [c for c in before.columns if c not in changed]
    pd.testing.assert_frame_equal(before[kept], after[kept])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_scenario_never_mutates_its_input(frames: dict[str, pd.DataFrame], name: str) -> None:
    pristine = {table: frame.copy(deep=True) for table, frame in frames.items()}
    out = apply_scenario(frames, name, seed=1)
    for table, frame in frames.items():
        assert frame.equals(pristine[table]), table
        assert out[table] is not frame


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_shifted_tables_are_valid_and_typed_as_the_generator_types_them(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]], name: str
) -> None:
    for table, frame in shifted[name].items():
        assert validate_frame(frame, TABLES[table], table).equals(frame), table
        pd.testing.assert_series_equal(frame.dtypes, frames[table].dtypes)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_history_tables_stay_the_clients_past(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]], name: str
) -> None:
    for table in HISTORY:
        assert shifted[name][table].equals(frames[table]), table


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_expected_columns_are_application_inputs(name: str) -> None:
    assert all(column in APPLICATION_TEST for column in SCENARIOS[name].expected)
    assert SCENARIOS[name].name == name


def test_same_seed_same_shift_and_another_seed_another(frames: dict[str, pd.DataFrame]) -> None:
    once, again = (apply_scenario(frames, "downturn", seed=5) for _ in range(2))
    other = apply_scenario(frames, "downturn", seed=6)
    pd.testing.assert_frame_equal(once["application_train"], again["application_train"])
    assert not once["application_train"].equals(other["application_train"])


def test_reference_changes_nothing(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    for table, frame in frames.items():
        assert shifted["reference"][table].equals(frame), table
    assert changes(frames, shifted["reference"]) == {}


def test_downturn_incomes_fall_by_a_quarter_with_spread(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    for before, after in _applications(frames, shifted["downturn"]):
        ratio = after["AMT_INCOME_TOTAL"] / before["AMT_INCOME_TOTAL"]
        assert ratio.median() == pytest.approx(1 - INCOME_FALL, abs=0.01)
        assert ratio.quantile(0.05) < 0.70 and ratio.quantile(0.95) > 0.80  # not one factor
        assert (ratio < 1).all()
    # The median income itself: on the larger file, as incomes are lumpy (135,000 is common).
    before, after = frames["application_train"], shifted["downturn"]["application_train"]
    assert 0.70 <= after["AMT_INCOME_TOTAL"].median() / before["AMT_INCOME_TOTAL"].median() <= 0.80


def test_downturn_defaults_rise_by_four_points_among_the_most_burdened(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    before, after = frames["application_train"], shifted["downturn"]["application_train"]
    assert after["TARGET"].mean() - before["TARGET"].mean() == pytest.approx(
        DEFAULT_RISE, abs=1 / CLIENTS
    )
    assert (after["TARGET"] >= before["TARGET"]).all()  # no defaulter turns good
    assert 0.06 < before["TARGET"].mean() < 0.10 and 0.10 < after["TARGET"].mean() < 0.14
    burden = after["AMT_ANNUITY"] / after["AMT_INCOME_TOTAL"]
    turned = (before["TARGET"] == 0) & (after["TARGET"] == 1)
    still_good = after["TARGET"] == 0
    assert burden[turned].median() > 1.15 * burden[still_good].median()


def test_downturn_changes_only_income_and_defaults(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    for before, after in _applications(frames, shifted["downturn"]):
        _assert_same_except(before, after, {"AMT_INCOME_TOTAL", "TARGET"})


def test_product_mix_makes_revolving_loans_with_revolving_terms(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    applications = _applications(frames, shifted["product_mix"])
    known_terms = {
        tuple(row)
        for before, _ in applications
        for row in before.loc[before["NAME_CONTRACT_TYPE"] == REVOLVING, TERMS].to_numpy()
    }
    for before, after in applications:
        was, now = (f["NAME_CONTRACT_TYPE"] == REVOLVING for f in (before, after))
        assert was.mean() < 0.2
        assert now.mean() == pytest.approx(REVOLVING_SHARE, abs=1 / len(after))
        assert now[was].all()
        converted = after.loc[now & ~was, TERMS].to_numpy()
        assert all(tuple(row) in known_terms for row in converted)
        pd.testing.assert_frame_equal(before.loc[was, TERMS], after.loc[was, TERMS])
    before, after = applications[0]
    converted = (after["NAME_CONTRACT_TYPE"] == REVOLVING) & (
        before["NAME_CONTRACT_TYPE"] != REVOLVING
    )
    burden = after["AMT_ANNUITY"] / after["AMT_INCOME_TOTAL"]
    usual = (before["AMT_ANNUITY"] / before["AMT_INCOME_TOTAL"])[
        before["NAME_CONTRACT_TYPE"] == REVOLVING
    ]
    assert burden[converted].median() == pytest.approx(usual.median(), rel=0.25)


def test_product_mix_applicants_are_eight_years_younger_and_still_adults(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    birth = APPLICATION_TRAIN["DAYS_BIRTH"]
    for before, after in _applications(frames, shifted["product_mix"]):
        fall = (after["DAYS_BIRTH"].median() - before["DAYS_BIRTH"].median()) / DAYS_PER_YEAR
        assert fall == pytest.approx(AGE_FALL_YEARS, abs=0.01)
        assert after["DAYS_BIRTH"].between(birth.minimum, birth.maximum).all()
        assert (after["DAYS_BIRTH"] >= before["DAYS_BIRTH"]).all()
        employed = after["DAYS_EMPLOYED"] != SENTINEL
        adult_life = YOUNGEST - after["DAYS_BIRTH"]
        assert (-after.loc[employed, "DAYS_EMPLOYED"] <= adult_life[employed]).all()
        assert (after["DAYS_EMPLOYED"] == SENTINEL).equals(before["DAYS_EMPLOYED"] == SENTINEL)
        for column in AFTER_BIRTH:
            dates = after[column].dropna()
            assert (dates >= after.loc[dates.index, "DAYS_BIRTH"]).all()


def test_product_mix_leaves_income_and_the_rest_alone(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    knock_on = {*SCENARIOS["product_mix"].expected, *TERMS, "DAYS_EMPLOYED", *AFTER_BIRTH}
    for before, after in _applications(frames, shifted["product_mix"]):
        _assert_same_except(before, after, knock_on)


def test_missing_feature_blanks_ext_source_3_only(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    for before, after in _applications(frames, shifted["missing_feature"]):
        assert before["EXT_SOURCE_3"].notna().mean() > 0.5
        assert after["EXT_SOURCE_3"].isna().all()
        _assert_same_except(before, after, {"EXT_SOURCE_3"})


def test_income_unit_multiplies_incomes_by_1000_unless_the_schema_would_refuse_them(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    ceiling = APPLICATION_TRAIN["AMT_INCOME_TOTAL"].maximum
    for before, after in _applications(frames, shifted["income_unit"]):
        income, wrong = before["AMT_INCOME_TOTAL"], after["AMT_INCOME_TOTAL"]
        fits = income * UNIT_ERROR <= ceiling
        assert fits.mean() > 0.99 and not fits.all()  # both kinds of rows are there
        pd.testing.assert_series_equal(wrong[fits], income[fits] * UNIT_ERROR)
        pd.testing.assert_series_equal(wrong[~fits], income[~fits])
        _assert_same_except(before, after, {"AMT_INCOME_TOTAL"})


def test_changes_names_each_changed_column_with_its_share_of_rows(
    frames: dict[str, pd.DataFrame], shifted: dict[str, dict[str, pd.DataFrame]]
) -> None:
    found = changes(frames, shifted["missing_feature"])
    present = {n: frames[n]["EXT_SOURCE_3"].notna().mean() for n in APPLICATION_NAMES}
    assert found == {n: {"EXT_SOURCE_3": pytest.approx(share)} for n, share in present.items()}


def test_an_unknown_scenario_is_named_with_the_known_ones(frames: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValueError, match="unknown scenario 'boom': expected one of reference, "):
        apply_scenario(frames, "boom")


def test_the_command_offers_exactly_the_scenarios() -> None:
    assert [s.value for s in ScenarioName] == list(SCENARIOS)


def test_generate_writes_a_shifted_dataset_and_says_what_moved(tmp_path: Path) -> None:
    out = tmp_path / "missing"
    args = ["generate", "--clients", "100", "--out", str(out), "--format", "parquet"]
    result = CliRunner().invoke(app, [*args, "--scenario", "missing_feature"])
    assert result.exit_code == 0, result.output
    assert "Scenario missing_feature" in result.stderr
    assert "application_train: EXT_SOURCE_3" in result.stderr
    assert load_dataset(out)["application_train"]["EXT_SOURCE_3"].isna().all()
    marker = json.loads((out / "DATASET.json").read_text())
    assert marker["scenario"] == "missing_feature"


def test_generate_without_a_scenario_writes_the_usual_marker(tmp_path: Path) -> None:
    args = ["generate", "--clients", "100", "--out", str(tmp_path), "--format", "parquet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Scenario" not in result.stderr
    assert "scenario" not in json.loads((tmp_path / "DATASET.json").read_text())


def test_generate_refuses_an_unknown_scenario_with_the_known_ones(tmp_path: Path) -> None:
    args = ["generate", "--clients", "100", "--out", str(tmp_path), "--scenario", "boom"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    message = " ".join(result.stderr.replace("│", " ").split())
    assert "'boom' is not one of" in message
    assert all(f"'{name}'" in message for name in SCENARIOS)
    assert not (tmp_path / "application_train.parquet").exists()
