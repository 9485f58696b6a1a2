"""The synthetic Home Credit tables look like the real ones where it matters.

Downstream code (loader, features, model, API) is developed and tested on generated
data, so the generator must keep the keys joinable, the real data's structural quirks
(sentinels, blocks of missing values, rebuilt columns), realistic volumes and the
direction of the risk signals. One generation of ~3,500 clients is shared by the module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.schema import TABLES
from training.synth import application_model as am
from training.synth import generate_dataset
from training.synth import history_model as hm

pytestmark = pytest.mark.slow

N_CLIENTS = 3_000
SEED = 0
SMALL_CLIENTS = 150
SMALL_SEED = 11
# Kaggle: application_test has 48,744 clients for 307,511 in application_train.
KAGGLE_TEST_PER_TRAIN = 48_744 / 307_511
PLANNED_DATES = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
)
HISTORY = tuple(hm.FULL_DATA)
LOAN_CHILDREN = ("POS_CASH_balance", "installments_payments", "credit_card_balance")


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return generate_dataset(N_CLIENTS, seed=SEED)


@pytest.fixture(scope="module")
def applications(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Train and test rows together: every generated client."""
    return pd.concat([data["application_train"], data["application_test"]], ignore_index=True)


@pytest.fixture(scope="module")
def target(data: dict[str, pd.DataFrame]) -> pd.Series:
    train = data["application_train"]
    return pd.Series(train["TARGET"].to_numpy(), index=train["SK_ID_CURR"].to_numpy())


def _means_by_target(per_client: pd.Series, target: pd.Series) -> pd.Series:
    """Mean of a per-client quantity among labelled clients, indexed by TARGET (0, 1)."""
    labels = target.reindex(per_client.index)
    known = labels.notna()
    means = per_client[known].astype(float).groupby(labels[known]).mean()
    assert set(means.index) == {0, 1}, "both classes must have history rows"
    return means


# --- determinism -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    """A small dataset for the determinism checks."""
    return generate_dataset(SMALL_CLIENTS, seed=SMALL_SEED)


def test_same_seed_gives_identical_frames(small: dict[str, pd.DataFrame]) -> None:
    """A seed fully determines every table (reproducible datasets and tests)."""
    again = generate_dataset(SMALL_CLIENTS, seed=SMALL_SEED)
    assert list(small) == list(again)
    for name in small:
        pd.testing.assert_frame_equal(small[name], again[name], obj=name)


def test_other_seed_gives_different_frames(small: dict[str, pd.DataFrame]) -> None:
    """Another seed gives other data (the seed is actually used)."""
    first = small
    other = generate_dataset(SMALL_CLIENTS, seed=SMALL_SEED + 1)
    for name in ("application_train", "bureau", "previous_application"):
        with pytest.raises(AssertionError):
            pd.testing.assert_frame_equal(first[name], other[name], obj=name)


# --- tables and keys ---------------------------------------------------------------------


def test_every_table_with_schema_columns_in_order(data: dict[str, pd.DataFrame]) -> None:
    """All Kaggle tables are produced, non-empty, with the schema's columns in its order."""
    assert set(data) == set(TABLES)
    for name, table in TABLES.items():
        assert list(data[name].columns) == list(table.names), name
        assert len(data[name]) > 0, name


def test_client_ids_unique_and_disjoint(data: dict[str, pd.DataFrame]) -> None:
    """SK_ID_CURR is unique in each application file and never in both."""
    train = data["application_train"]["SK_ID_CURR"]
    test = data["application_test"]["SK_ID_CURR"]
    assert train.is_unique
    assert test.is_unique
    assert not set(train) & set(test)
    assert len(train) == N_CLIENTS


@pytest.mark.parametrize(
    ("table", "key"), [("bureau", "SK_ID_BUREAU"), ("previous_application", "SK_ID_PREV")]
)
def test_history_ids_unique(data: dict[str, pd.DataFrame], table: str, key: str) -> None:
    """Each bureau credit and previous application has its own id."""
    assert data[table][key].is_unique


@pytest.mark.parametrize("name", [name for name, t in TABLES.items() if t.primary_key])
def test_primary_keys_unique(data: dict[str, pd.DataFrame], name: str) -> None:
    """The schema's primary key (e.g. loan and month) identifies one row."""
    assert not data[name].duplicated(list(TABLES[name].primary_key)).any()


@pytest.mark.parametrize("table", [t for t in HISTORY if t != "bureau_balance"])
def test_history_clients_exist(
    data: dict[str, pd.DataFrame], applications: pd.DataFrame, table: str
) -> None:
    """Every history row belongs to a generated client (train or test)."""
    clients = set(applications["SK_ID_CURR"])
    assert set(data[table]["SK_ID_CURR"]) <= clients


def test_history_reaches_test_clients(data: dict[str, pd.DataFrame]) -> None:
    """Test clients have history too, as in Kaggle (not only the labelled ones)."""
    test_clients = set(data["application_test"]["SK_ID_CURR"])
    assert test_clients & set(data["bureau"]["SK_ID_CURR"])
    assert test_clients & set(data["previous_application"]["SK_ID_CURR"])


def test_bureau_balance_credits_exist(data: dict[str, pd.DataFrame]) -> None:
    """Every bureau_balance month refers to a bureau credit."""
    assert set(data["bureau_balance"]["SK_ID_BUREAU"]) <= set(data["bureau"]["SK_ID_BUREAU"])


@pytest.mark.parametrize("table", LOAN_CHILDREN)
def test_loan_rows_match_their_previous_application(
    data: dict[str, pd.DataFrame], table: str
) -> None:
    """Loan rows refer to a previous application and carry that application's client."""
    previous = data["previous_application"].set_index("SK_ID_PREV")["SK_ID_CURR"]
    rows = data[table]
    owner = previous.reindex(rows["SK_ID_PREV"]).to_numpy()
    assert not pd.isna(owner).any(), f"{table} has SK_ID_PREV absent from previous_application"
    np.testing.assert_array_equal(owner, rows["SK_ID_CURR"].to_numpy())


# --- target and sizes --------------------------------------------------------------------


def test_target_only_in_train_with_realistic_rate(data: dict[str, pd.DataFrame]) -> None:
    """TARGET is 0/1 in train, absent from test, defaulting at about Kaggle's 8%."""
    assert "TARGET" not in data["application_test"].columns
    target = data["application_train"]["TARGET"]
    assert set(target.unique()) == {0, 1}
    assert 0.06 <= target.mean() <= 0.10


def test_test_size_matches_kaggle_share(data: dict[str, pd.DataFrame]) -> None:
    """application_test is to train as 48,744 is to 307,511."""
    expected = len(data["application_train"]) * KAGGLE_TEST_PER_TRAIN
    assert abs(len(data["application_test"]) - expected) <= 1


# --- application quirks ------------------------------------------------------------------


def test_not_employed_have_days_employed_sentinel(applications: pd.DataFrame) -> None:
    """DAYS_EMPLOYED is 365243 exactly for pensioners and the unemployed, else <= 0."""
    not_employed = applications["NAME_INCOME_TYPE"].isin(am.NOT_EMPLOYED_INCOME_TYPES)
    assert not_employed.sum() > 0.1 * len(applications)
    sentinel = applications["DAYS_EMPLOYED"] == 365243
    pd.testing.assert_series_equal(sentinel, not_employed, check_names=False)
    assert (applications.loc[~sentinel, "DAYS_EMPLOYED"] <= 0).all()


def test_not_employed_have_no_organisation_nor_occupation(applications: pd.DataFrame) -> None:
    """Pensioners and the unemployed: ORGANIZATION_TYPE "XNA" (only them) and no occupation."""
    not_employed = applications["NAME_INCOME_TYPE"].isin(am.NOT_EMPLOYED_INCOME_TYPES)
    xna = applications["ORGANIZATION_TYPE"] == "XNA"
    pd.testing.assert_series_equal(xna, not_employed, check_names=False)
    assert applications.loc[not_employed, "OCCUPATION_TYPE"].isna().all()
    assert applications.loc[~not_employed, "OCCUPATION_TYPE"].notna().mean() > 0.5


def test_ext_source_1_mostly_missing(applications: pd.DataFrame) -> None:
    """EXT_SOURCE_1 is missing for more than half the clients, as in Kaggle (56%)."""
    assert 0.5 < applications["EXT_SOURCE_1"].isna().mean() < 0.65


def _building_bases() -> dict[str, list[str]]:
    bases: dict[str, list[str]] = {}
    for name in am.BUILDING:
        base = name if name == "TOTALAREA_MODE" else name.rsplit("_", 1)[0]
        bases.setdefault(base, []).append(name)
    return bases


def test_building_block_missing_together(applications: pd.DataFrame) -> None:
    """At least 40% of clients lack the whole building block; it explains most gaps."""
    building = applications[list(am.BUILDING)].isna()
    assert len(am.BUILDING) == 47
    whole_block = building.all(axis=1)
    assert whole_block.mean() >= 0.40
    apartments_missing = building["APARTMENTS_AVG"]
    assert apartments_missing.mean() > whole_block.mean()
    assert whole_block[apartments_missing].mean() > 0.8


@pytest.mark.parametrize("base", [b for b, cols in _building_bases().items() if len(cols) > 1])
def test_building_statistics_of_a_base_missing_on_same_rows(
    applications: pd.DataFrame, base: str
) -> None:
    """_AVG, _MODE and _MEDI of one measure are missing on exactly the same rows."""
    columns = _building_bases()[base]
    missing = applications[columns].isna()
    for column in columns[1:]:
        pd.testing.assert_series_equal(missing[column], missing[columns[0]], check_names=False)


def test_own_car_age_only_for_car_owners(applications: pd.DataFrame) -> None:
    """OWN_CAR_AGE is missing if and only if the client owns no car."""
    no_car = applications["FLAG_OWN_CAR"] == "N"
    assert 0 < no_car.mean() < 1
    pd.testing.assert_series_equal(applications["OWN_CAR_AGE"].isna(), no_car, check_names=False)


def test_family_size_is_children_self_and_partner(applications: pd.DataFrame) -> None:
    """CNT_FAM_MEMBERS = CNT_CHILDREN + 1 + (1 if married or civil marriage)."""
    known = applications["NAME_FAMILY_STATUS"].notna()
    assert known.mean() > 0.99
    rows = applications[known]
    partner = rows["NAME_FAMILY_STATUS"].isin(am.PARTNERED).astype(float)
    assert 0 < partner.mean() < 1
    np.testing.assert_array_equal(rows["CNT_FAM_MEMBERS"], rows["CNT_CHILDREN"] + 1 + partner)


# --- history volumes and rules -----------------------------------------------------------


@pytest.mark.parametrize("table", HISTORY)
def test_history_volume_per_client_like_full_data(
    data: dict[str, pd.DataFrame], applications: pd.DataFrame, table: str
) -> None:
    """Rows per client (train + test) within ±35% of the full Kaggle table's."""
    full = hm.FULL_DATA[table]["rows"] / hm.FULL_DATA_CLIENTS
    generated = len(data[table]) / len(applications)
    assert generated == pytest.approx(full, rel=0.35), f"{table}: {generated:.2f} vs {full:.2f}"


def test_pos_cash_future_instalments_never_increase(data: dict[str, pd.DataFrame]) -> None:
    """Within a loan, CNT_INSTALMENT_FUTURE does not grow as MONTHS_BALANCE advances."""
    pos = data["POS_CASH_balance"].sort_values(["SK_ID_PREV", "MONTHS_BALANCE"])
    step = pos.groupby("SK_ID_PREV")["CNT_INSTALMENT_FUTURE"].diff().dropna()
    assert len(step) > 0
    assert (step <= 0).all()
    assert (step < 0).any()


def test_installment_payments_in_the_past(data: dict[str, pd.DataFrame]) -> None:
    """Payments happened before today: DAYS_ENTRY_PAYMENT <= 0 where present."""
    paid = data["installments_payments"]["DAYS_ENTRY_PAYMENT"].dropna()
    assert len(paid) > 0
    assert (paid <= 0).all()


def test_installment_numbers_consecutive_from_one(data: dict[str, pd.DataFrame]) -> None:
    """NUM_INSTALMENT_NUMBER runs 1, 2, ..., k within each loan."""
    rows = data["installments_payments"].sort_values(["SK_ID_PREV", "NUM_INSTALMENT_NUMBER"])
    expected = rows.groupby("SK_ID_PREV").cumcount() + 1
    np.testing.assert_array_equal(rows["NUM_INSTALMENT_NUMBER"].to_numpy(), expected.to_numpy())


def test_bureau_end_date_fact_only_when_closed(data: dict[str, pd.DataFrame]) -> None:
    """DAYS_ENDDATE_FACT is missing for Active credits and not before DAYS_CREDIT otherwise."""
    bureau = data["bureau"]
    active = bureau["CREDIT_ACTIVE"] == "Active"
    assert 0 < active.mean() < 1
    assert bureau.loc[active, "DAYS_ENDDATE_FACT"].isna().all()
    ended = bureau[~active & bureau["DAYS_ENDDATE_FACT"].notna()]
    assert len(ended) > 0.5 * (~active).sum()
    assert (ended["DAYS_ENDDATE_FACT"] >= ended["DAYS_CREDIT"]).all()


def test_previous_planned_dates_only_when_approved(data: dict[str, pd.DataFrame]) -> None:
    """Planned dates (DAYS_FIRST_DUE, ...) exist only for Approved applications."""
    previous = data["previous_application"]
    approved = previous["NAME_CONTRACT_STATUS"] == "Approved"
    assert 0 < approved.mean() < 1
    dates = previous[list(PLANNED_DATES)]
    assert dates[~approved].isna().all().all()
    assert (dates[approved].notna().mean() > 0.9).all()


def test_previous_reject_reason_only_when_refused(data: dict[str, pd.DataFrame]) -> None:
    """CODE_REJECT_REASON is "XAP" (not applicable) unless the application was refused."""
    previous = data["previous_application"]
    refused = previous["NAME_CONTRACT_STATUS"] == "Refused"
    assert refused.sum() > 0
    assert (previous.loc[~refused, "CODE_REJECT_REASON"] == "XAP").all()
    assert (previous.loc[refused, "CODE_REJECT_REASON"] != "XAP").mean() > 0.9


# --- risk signal directions --------------------------------------------------------------


def test_defaulters_had_more_refusals(data: dict[str, pd.DataFrame], target: pd.Series) -> None:
    """Clients with TARGET=1 have a larger share of refused previous applications."""
    previous = data["previous_application"]
    refused = (previous["NAME_CONTRACT_STATUS"] == "Refused").groupby(previous["SK_ID_CURR"])
    means = _means_by_target(refused.mean(), target)
    assert means[1] > means[0], means.to_dict()


def test_defaulters_paid_late_more_often(data: dict[str, pd.DataFrame], target: pd.Series) -> None:
    """Clients with TARGET=1 have a larger share of instalments paid after the due day."""
    rows = data["installments_payments"]
    late = (rows["DAYS_ENTRY_PAYMENT"] > rows["DAYS_INSTALMENT"]).groupby(rows["SK_ID_CURR"])
    means = _means_by_target(late.mean(), target)
    assert means[1] > means[0], means.to_dict()


def test_defaulters_had_more_bureau_overdue(
    data: dict[str, pd.DataFrame], target: pd.Series
) -> None:
    """Clients with TARGET=1 have larger overdue amounts on their bureau credits."""
    bureau = data["bureau"]
    overdue = bureau.groupby("SK_ID_CURR")["AMT_CREDIT_MAX_OVERDUE"].mean().dropna()
    means = _means_by_target(overdue, target)
    assert means[1] > means[0], means.to_dict()


def test_defaulters_had_more_late_bureau_months(
    data: dict[str, pd.DataFrame], target: pd.Series
) -> None:
    """Clients with TARGET=1 have a larger share of bureau months with days past due."""
    balance = data["bureau_balance"].merge(
        data["bureau"][["SK_ID_BUREAU", "SK_ID_CURR"]], on="SK_ID_BUREAU"
    )
    late = balance["STATUS"].astype(str).isin(["1", "2", "3", "4", "5"])
    means = _means_by_target(late.groupby(balance["SK_ID_CURR"]).mean(), target)
    assert means[1] > means[0], means.to_dict()


def test_low_ext_source_3_defaults_more(data: dict[str, pd.DataFrame]) -> None:
    """Below-median EXT_SOURCE_3 clients default more than above-median ones."""
    train = data["application_train"].dropna(subset=["EXT_SOURCE_3"])
    low = train["EXT_SOURCE_3"] < train["EXT_SOURCE_3"].median()
    low_rate = train.loc[low, "TARGET"].mean()
    high_rate = train.loc[~low, "TARGET"].mean()
    assert low_rate > high_rate, (low_rate, high_rate)
