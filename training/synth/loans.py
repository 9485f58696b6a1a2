"""Generate previous applications and what approved loans left behind.

Approved instalment loans get monthly POS_CASH_balance rows and one installment row per
due date up to today; approved revolving loans get monthly credit_card_balance rows.
A client's *payment* propensity drives days past due, late or partial payments and card
utilisation; a separate *application* propensity drives refusals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scoring.schema import CREDIT_CARD_BALANCE, PREVIOUS_APPLICATION
from training.synth import history_model as hm
from training.synth.marginals import Marginal
from training.synth.rows import counts_per_parent, sample_rows
from training.synth.sequences import expand, propensity

PREV_ID_START = 1_000_000
PLANNED_DATES = (
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
    "NFLAG_INSURED_ON_APPROVAL",
)
INSTALMENT_DAYS = 30
FIRST_DUE_LAG_DAYS = (10, 60)


def generate_loans(
    client_ids: np.ndarray,
    risk: np.ndarray,
    history_scale: np.ndarray,
    statistics: dict[str, Any],
    rng: np.random.Generator,
) -> dict[str, pd.DataFrame]:
    """previous_application, POS_CASH_balance, installments_payments, credit_card_balance."""
    size = hm.FULL_DATA["previous_application"]
    counts = counts_per_parent(
        size["parents"] / hm.FULL_DATA_CLIENTS, size["rows"] / size["parents"], history_scale, rng
    )
    client_of_row, _ = expand(counts)
    applying = propensity(risk, hm.PROPENSITY_RISK_CORRELATION["previous_application"], rng)
    paying = propensity(risk, hm.PROPENSITY_RISK_CORRELATION["payments"], rng)
    columns = sample_rows(
        "previous_application", statistics["previous_application"], applying[client_of_row], rng
    )
    previous = pd.DataFrame(
        {
            "SK_ID_PREV": PREV_ID_START + np.arange(len(client_of_row), dtype=np.int64),
            "SK_ID_CURR": client_ids[client_of_row],
            **columns,
        }
    )[list(PREVIOUS_APPLICATION.names)]
    _apply_rules(previous, statistics["previous_application"], rng)
    loan_paying = paying[client_of_row]
    return {
        "previous_application": previous,
        "POS_CASH_balance": _pos_cash(previous, loan_paying, statistics, rng),
        "installments_payments": _installments(previous, loan_paying, statistics, rng),
        "credit_card_balance": _credit_cards(previous, loan_paying, statistics, rng),
    }


def _apply_rules(previous: pd.DataFrame, table_stats: dict[str, Any], rng) -> None:
    """Planned dates exist only for approved loans, reject reasons only for refusals."""
    status = previous["NAME_CONTRACT_STATUS"]
    approved = (status == "Approved").to_numpy()
    previous.loc[~approved, list(PLANNED_DATES)] = np.nan
    for column in PLANNED_DATES:
        # Approved loans always have their plan; fill the copula's gaps from the marginal.
        gap = approved & previous[column].isna().to_numpy()
        marginal = Marginal.from_json(table_stats["marginals"][column])
        previous.loc[gap, column] = marginal.sample(rng.random(int(gap.sum())))
    refused = (status == "Refused").to_numpy()
    previous.loc[~refused, "CODE_REJECT_REASON"] = "XAP"
    reason = Marginal.from_json(table_stats["marginals"]["CODE_REJECT_REASON"])
    kept = [i for i, level in enumerate(reason.support) if level != "XAP"]
    refusal = Marginal(
        "category",
        tuple(reason.support[i] for i in kept),
        tuple(reason.probabilities[i] for i in kept),
    )
    previous.loc[refused, "CODE_REJECT_REASON"] = refusal.sample(rng.random(int(refused.sum())))
    first_due = previous["DAYS_FIRST_DUE"]
    regular = (first_due.notna() & (first_due != _planned_sentinel())).to_numpy()
    # The first instalment falls due about a month after the decision.
    lag = rng.integers(FIRST_DUE_LAG_DAYS[0], FIRST_DUE_LAG_DAYS[1], int(regular.sum()))
    previous.loc[regular, "DAYS_FIRST_DUE"] = np.minimum(
        previous.loc[regular, "DAYS_DECISION"].to_numpy() + lag, 0
    )


def _planned_sentinel() -> float:
    """The "no date" sentinel of the planned-date columns (365243)."""
    return float(PREVIOUS_APPLICATION["DAYS_FIRST_DUE"].special[0])


def _repaid_loans(previous: pd.DataFrame, revolving: bool) -> pd.DataFrame:
    """Approved loans of one kind with a real first due date, a term and an annuity."""
    first_due = previous["DAYS_FIRST_DUE"]
    is_revolving = previous["NAME_CONTRACT_TYPE"] == "Revolving loans"
    keep = (
        (previous["NAME_CONTRACT_STATUS"] == "Approved")
        & first_due.notna()
        & (first_due != _planned_sentinel())
        & (first_due <= 0)
        & (is_revolving == revolving)
    )
    if not revolving:
        keep &= (previous["CNT_PAYMENT"] > 0) & (previous["AMT_ANNUITY"] > 0)
    return previous[keep]


def _pos_cash(previous, paying, statistics, rng) -> pd.DataFrame:
    """Monthly rows of instalment loans, from the first due month until repaid or now."""
    loans = _repaid_loans(previous, revolving=False)
    first = np.floor(loans["DAYS_FIRST_DUE"].to_numpy() / hm.MONTH_DAYS).astype(np.int64)
    term = loans["CNT_PAYMENT"].to_numpy().astype(np.int64)
    start = np.maximum(first, -hm.HISTORY_MONTHS)
    last = np.minimum(first + term, 0)
    loan, position = expand(np.maximum(last - start + 1, 0))
    months = start[loan] + position
    future = np.maximum(term[loan] - (months - first[loan]), 0)
    sampled = sample_rows(
        "POS_CASH_balance", statistics["POS_CASH_balance"], paying[loans.index][loan], rng
    )
    status = np.where(future == 0, "Completed", "Active").astype(object)
    status[_signed_months(loan, position, statistics["POS_CASH_balance"], rng)] = "Signed"
    return pd.DataFrame(
        {
            "SK_ID_PREV": loans["SK_ID_PREV"].to_numpy()[loan],
            "SK_ID_CURR": loans["SK_ID_CURR"].to_numpy()[loan],
            "MONTHS_BALANCE": months.astype(np.float64),
            "CNT_INSTALMENT": term[loan].astype(np.float64),
            "CNT_INSTALMENT_FUTURE": future.astype(np.float64),
            "NAME_CONTRACT_STATUS": status,
            "SK_DPD": sampled["SK_DPD"],
            "SK_DPD_DEF": np.minimum(sampled["SK_DPD_DEF"], sampled["SK_DPD"]),
        }
    )


def _signed_months(
    loan: np.ndarray, position: np.ndarray, table_stats: dict[str, Any], rng
) -> np.ndarray:
    """First months shown as "Signed" for a share of loans matching the real row share."""
    reference = Marginal.from_json(table_stats["reference"]["NAME_CONTRACT_STATUS"])
    share = dict(zip(reference.support, reference.probabilities, strict=True)).get("Signed", 0.0)
    n_loans = loan.max() + 1 if len(loan) else 0
    loan_share = min(share * len(loan) / max(n_loans, 1), 1.0)
    signed_loans = rng.random(n_loans) < loan_share
    return (position == 0) & signed_loans[loan]


def _installments(previous, paying, statistics, rng) -> pd.DataFrame:
    """One row per due date so far: when and how much was paid, late or short for some.

    Instalment loans stop at their term; cards have a monthly minimum payment with no
    term, so they run until today (within the history window).
    """
    loans = pd.concat([_repaid_loans(previous, False), _repaid_loans(previous, True)])
    loans = loans[loans["AMT_ANNUITY"] > 0]
    first_due = loans["DAYS_FIRST_DUE"].to_numpy()
    is_card = (loans["NAME_CONTRACT_TYPE"] == "Revolving loans").to_numpy()
    term = np.where(is_card, hm.HISTORY_MONTHS, loans["CNT_PAYMENT"].fillna(0).to_numpy())
    due_so_far = np.floor(-first_due / INSTALMENT_DAYS).astype(np.int64) + 1
    loan, position = expand(np.minimum(term.astype(np.int64), due_so_far))
    sampled = sample_rows(
        "installments_payments",
        statistics["installments_payments"],
        paying[loans.index][loan],
        rng,
    )
    due = first_due[loan] + INSTALMENT_DAYS * position
    amount = loans["AMT_ANNUITY"].to_numpy()[loan]
    paid_on = due + sampled["DELAY"]
    unpaid = paid_on > 0
    return pd.DataFrame(
        {
            "SK_ID_PREV": loans["SK_ID_PREV"].to_numpy()[loan],
            "SK_ID_CURR": loans["SK_ID_CURR"].to_numpy()[loan],
            "NUM_INSTALMENT_VERSION": sampled["NUM_INSTALMENT_VERSION"],
            "NUM_INSTALMENT_NUMBER": (position + 1).astype(np.float64),
            "DAYS_INSTALMENT": due.astype(np.float64),
            "DAYS_ENTRY_PAYMENT": np.where(unpaid, np.nan, paid_on),
            "AMT_INSTALMENT": amount,
            "AMT_PAYMENT": np.where(unpaid, np.nan, np.round(amount * sampled["PAID_SHARE"], 3)),
        }
    )


def _credit_cards(previous, paying, statistics, rng) -> pd.DataFrame:
    """Monthly card statements since the card was granted; the limit is fixed per card."""
    cards = _repaid_loans(previous, revolving=True)
    # Only part of the granted cards report monthly statements in the real data.
    size = hm.FULL_DATA["credit_card_balance"]
    wanted = size["parents"] / hm.FULL_DATA["previous_application"]["rows"] * len(previous)
    cards = cards[rng.random(len(cards)) < min(wanted / max(len(cards), 1), 1.0)]
    first = np.maximum(
        np.floor(cards["DAYS_DECISION"].to_numpy() / hm.MONTH_DAYS), -hm.HISTORY_MONTHS
    ).astype(np.int64)
    card, position = expand(1 - first)
    card_limit = rng.standard_normal(len(cards))[card]
    sampled = sample_rows(
        "credit_card_balance",
        statistics["credit_card_balance"],
        paying[cards.index][card],
        rng,
        given={"AMT_CREDIT_LIMIT_ACTUAL": card_limit},
    )
    frame = pd.DataFrame(
        {
            "SK_ID_PREV": cards["SK_ID_PREV"].to_numpy()[card],
            "SK_ID_CURR": cards["SK_ID_CURR"].to_numpy()[card],
            "MONTHS_BALANCE": (first[card] + position).astype(np.float64),
            **sampled,
        }
    )
    frame["SK_DPD_DEF"] = np.minimum(frame["SK_DPD_DEF"], frame["SK_DPD"])
    return frame[list(CREDIT_CARD_BALANCE.names)]
