"""The promotion gate: may a candidate replace the champion? A pure function of two evaluations.

A lender does not replace a credit model without a documented comparison (model risk
management; the technical documentation of a high-risk AI system). The candidate must be no
worse than the champion, on the same held-out clients, in ranking (ROC AUC), business cost
and calibration, and no less fair; and it must pass its own integrity checks (ONNX parity,
exact additivity of its explanations, its self-check, the declared monotone directions).
The tolerances absorb the noise of re-training on new data; each is stated in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.model.explainer import ADDITIVITY_TOLERANCE
from scoring.model.scorer import SELF_CHECK_TOLERANCE
from training.lifecycle.evaluation import Evaluation
from training.model.onnx_export import PARITY_TOLERANCE


@dataclass(frozen=True)
class Tolerances:
    """How much worse than the champion a candidate may be and still pass."""

    # ROC AUC points: about the spread between re-trainings on the same data by seed alone.
    auc_drop: float = 0.005
    # Relative rise of the expected cost per application at each model's own threshold: two
    # re-trainings of the default data that differ only by their seed differed by 2.2 % on
    # its 4,000 held-out clients (each threshold lands a little apart); the application-only
    # model cost 18.5 % more.
    cost_rise: float = 0.05
    # Expected calibration error (probability points).
    ece_rise: float = 0.005
    # Approval-rate ratio of the least-approved group of a grouping (gender, age band).
    fairness_drop: float = 0.02

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not 0.0 <= value < 1.0:
                raise ValueError(f"tolerance {name} must be in [0, 1), got {value}")


@dataclass(frozen=True)
class Check:
    """One named check, passed or not, with the sentence that says why."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class GateResult:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def judge(
    candidate: Evaluation,
    champion: Evaluation | None,
    tolerances: Tolerances,
    champion_problem: str = "",
) -> GateResult:
    """Every check of the candidate. Without a champion yet, there is nothing to compare
    with and the comparisons pass; with a champion that cannot be loaded
    (``champion_problem``), each comparison fails and says why: only a forced promotion,
    with its written justification, goes past that."""
    checks = [*_integrity(candidate)]
    if champion is None:
        passed = not champion_problem
        reason = champion_problem or "no champion yet: nothing to compare with"
        checks += [Check(name, passed, reason) for name in COMPARISONS]
    else:
        checks += _comparisons(candidate, champion, tolerances)
    return GateResult(tuple(checks))


COMPARISONS = ("same holdout", "ROC AUC", "business cost", "calibration", "fairness")


def _integrity(candidate: Evaluation) -> list[Check]:
    violations = candidate.monotone_violations
    return [
        Check(
            "parity",
            candidate.parity <= PARITY_TOLERANCE,
            f"ONNX and LightGBM probabilities differ by at most {candidate.parity:.1e} "
            f"(tolerance {PARITY_TOLERANCE:g})",
        ),
        Check(
            "additivity",
            candidate.additivity <= ADDITIVITY_TOLERANCE,
            f"explanations add up to the log-odds within {candidate.additivity:.1e} "
            f"(tolerance {ADDITIVITY_TOLERANCE:g})",
        ),
        Check(
            "self-check",
            candidate.self_check <= SELF_CHECK_TOLERANCE,
            f"the entry reproduces its stored parity sample within {candidate.self_check:.1e} "
            f"(tolerance {SELF_CHECK_TOLERANCE:g})",
        ),
        Check(
            "monotone directions",
            not violations,
            "every constrained feature moves the risk only in its declared direction"
            if not violations
            else "against their declared direction: "
            + ", ".join(f"{name} (by {worst:.2g})" for name, worst in sorted(violations.items())),
        ),
    ]


def _comparisons(candidate: Evaluation, champion: Evaluation, tol: Tolerances) -> list[Check]:
    new, old = candidate.metrics, champion.metrics
    same_rule = (
        candidate.holdout_rule is not None and candidate.holdout_rule == champion.holdout_rule
    )
    cost_limit = old["cost_per_application"] * (1 + tol.cost_rise)
    checks = [
        Check(
            "same holdout",
            same_rule,
            "both models hold out the same clients"
            if same_rule
            else f"holdout rules differ (candidate {candidate.holdout_rule}, champion "
            f"{champion.holdout_rule}): the evaluation rows may include training rows of one",
        ),
        Check(
            "ROC AUC",
            new["roc_auc"] >= old["roc_auc"] - tol.auc_drop,
            f"{new['roc_auc']:.4f} against {old['roc_auc']:.4f} "
            f"(may be up to {tol.auc_drop:g} lower)",
        ),
        Check(
            "business cost",
            new["cost_per_application"] <= cost_limit,
            f"{new['cost_per_application']:.4f} per application against "
            f"{old['cost_per_application']:.4f} (may be up to {tol.cost_rise:.0%} higher)",
        ),
        Check(
            "calibration",
            candidate.ece <= champion.ece + tol.ece_rise,
            f"expected calibration error {candidate.ece:.4f} against {champion.ece:.4f} "
            f"(may be up to {tol.ece_rise:g} higher)",
        ),
    ]
    checks.append(_fairness(candidate, champion, tol))
    return checks


def _fairness(candidate: Evaluation, champion: Evaluation, tol: Tolerances) -> Check:
    new, old = candidate.lowest_disparate_impact(), champion.lowest_disparate_impact()
    worse = {
        grouping: (new[grouping], ratio)
        for grouping, ratio in old.items()
        if grouping in new and new[grouping] < ratio - tol.fairness_drop
    }
    shown = ", ".join(f"{g} {new[g]:.3f} against {old[g]:.3f}" for g in sorted(new) if g in old)
    if worse:
        detail = "least-approved group's approval ratio lower for " + ", ".join(
            f"{g} ({n:.3f} against {o:.3f})" for g, (n, o) in sorted(worse.items())
        )
    else:
        detail = f"approval ratio of the least-approved group: {shown}"
    return Check("fairness", not worse, f"{detail} (may be up to {tol.fairness_drop:g} lower)")
