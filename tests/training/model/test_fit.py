"""Cross-validation with folds boosted side by side: the same model as the plain refit, every
time, and out-of-fold scores from the folds ``StratifiedKFold`` cuts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from training.model import fit
from training.model.fit import cross_validate, fit_final

PARAMS = {"num_threads": 2, "min_child_samples": 5}


def _data(rows: int = 1_500, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Ten features, two informative, some values missing; about 10 % positives."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, 10))
    values[rng.random(values.shape) < 0.1] = np.nan
    logit = -2.5 + 1.5 * np.nan_to_num(values[:, 0]) - np.nan_to_num(values[:, 1])
    return values, (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)


@pytest.fixture(scope="module")
def cv() -> fit.CrossValidation:
    values, target = _data()
    return cross_validate(values, target, PARAMS, folds=3, seed=4, refit=True)


def test_the_refit_is_the_model_fit_final_trains(cv: fit.CrossValidation) -> None:
    values, target = _data()
    alone = fit_final(values, target, cv.best_rounds, PARAMS, seed=4)
    assert cv.final is not None
    assert cv.final.dump_model()["tree_info"] == alone.dump_model()["tree_info"]


def test_the_same_seed_gives_the_same_model(cv: fit.CrossValidation) -> None:
    values, target = _data()
    again = cross_validate(values, target, PARAMS, folds=3, seed=4, refit=True)
    assert again.best_rounds == cv.best_rounds
    np.testing.assert_array_equal(again.oof, cv.oof)
    assert cv.final is not None and again.final is not None
    assert again.final.model_to_string() == cv.final.model_to_string()


def test_every_row_is_scored_once_by_the_fold_that_left_it_out(cv: fit.CrossValidation) -> None:
    values, target = _data()
    splits = StratifiedKFold(3, shuffle=True, random_state=4).split(values, target)
    fold_auc = [fit.roc_auc_score(target[valid], cv.oof[valid]) for _, valid in splits]
    assert cv.fold_auc == pytest.approx(fold_auc)
    assert np.all((cv.oof > 0) & (cv.oof < 1))
