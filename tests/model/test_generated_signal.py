"""The generated data must teach a model what real data teaches it.

A quick LightGBM on generated data must land in the AUC range known on the real data
(not 0.99, not 0.6), the history tables must add signal of their own, and a model
trained on generated applicants must rank *real* applicants about as well as a model
trained on the real rows themselves.
"""

from __future__ import annotations

import pytest

from training.synth.signal import faithfulness, signal

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(realistic_dataset):
    return signal(realistic_dataset, folds=3)


def test_auc_is_in_the_range_known_on_real_data(report):
    assert 0.74 <= report.auc_all_features <= 0.82


def test_history_tables_carry_signal_of_their_own(report):
    assert report.auc_all_features >= report.auc_application_only + 0.03
    assert 0.66 <= report.auc_application_only <= 0.78


@pytest.mark.real_data
def test_model_trained_on_generated_data_ranks_real_applicants(
    realistic_dataset, real_applications
):
    result = faithfulness(realistic_dataset, real_applications)
    print(
        f"\nAUC on {result.real_rows} real applicants: trained on generated "
        f"{result.auc_trained_on_generated:.3f}, trained on real (CV) "
        f"{result.auc_trained_on_real_cv:.3f}"
    )
    assert result.auc_trained_on_generated >= result.auc_trained_on_real_cv - 0.04
    assert result.auc_trained_on_generated >= 0.68
