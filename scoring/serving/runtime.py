"""Start-up of the service: keep personal data out of the logs, load and self-check the
model, open the records database and the portfolio.

A service that cannot load or verify its model stays up but not ready: ``/readyz``
answers 503 with the reason, scoring endpoints answer 503 with the same reason, and the
reason is logged, so an operator reads what is wrong instead of a crash loop.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scoring import logs
from scoring.features import FEATURE_NAMES
from scoring.model import store
from scoring.model.scorer import NO_CHAMPION_ADVICE, CreditModel, ModelLoadError
from scoring.monitoring.bins import Bins, NoReferenceBins
from scoring.monitoring.capture import Capture
from scoring.records.database import RecordsDatabase
from scoring.records.drift import DriftCounts
from scoring.serving.engine import ScoringEngine
from scoring.serving.portfolio import Portfolio
from scoring.settings import ServiceSettings

logger = logging.getLogger(__name__)


def load_engine(
    model_ref: Any,
    settings: ServiceSettings,
    database: RecordsDatabase | None = None,
    shadow_ref: Any = None,
) -> tuple[ScoringEngine | None, str]:
    """The engine, or None and the reason it could not start; ``database`` shares the records
    with the auth middleware (one engine per process); ``shadow_ref``, a challenger to score
    beside the model."""
    logs.keep_personal_data_out_of_service_logs()  # runs in every worker, before any request
    try:
        stored = model_ref.stored
        if stored is None:
            raise ModelLoadError(
                f"no model {model_ref.tag} in the BentoML model store: {NO_CHAMPION_ADVICE}; "
                "or set CREDIT_MODEL_TAG to an existing tag"
            )
        model = CreditModel(Path(stored.path), str(stored.tag), dict(stored.info.metadata))
        model.self_check()
    except ModelLoadError as error:
        logger.error("service not ready: %s", error)
        return None, str(error)
    except Exception as error:
        # Any other damage to the entry (a parity sample missing or garbled, ...) must leave
        # the service up and not ready, not crash-looping in the worker's start-up.
        reason = (
            f"model {model_ref.tag} cannot be loaded, its store entry is damaged (retrain or "
            f"restore it): {type(error).__name__}: {error}"
        )
        logger.exception("service not ready: %s", reason)
        return None, reason
    database = database or RecordsDatabase(settings.audit_db_url)
    portfolio_url = settings.portfolio_db_url
    portfolio = Portfolio(portfolio_url) if _exists(portfolio_url) else None
    if portfolio is None:
        logger.warning("no portfolio at %s: client_id requests answer 503", portfolio_url)
    logger.info("model %s loaded and self-checked; ready", model.tag)
    engine = ScoringEngine(
        model,
        database,
        portfolio,
        settings.currency,
        settings.review_band,
        drift_capture(model, database, settings),
        load_shadow(shadow_ref, model),
    )
    return engine, ""


def load_shadow(shadow_ref: Any, served: CreditModel) -> CreditModel | None:
    """The challenger to shadow ``served`` with, self-checked; None (logged) when there is
    none or it cannot be used: a broken challenger never stops the service."""
    if shadow_ref is None:
        return None
    stored = shadow_ref.stored
    if stored is None:
        logger.error("shadow scoring off: no model %s in the model store", shadow_ref.tag)
        return None
    if str(stored.tag) == served.tag:
        logger.error("shadow scoring off: %s is the served model itself", served.tag)
        return None
    try:
        shadow = CreditModel(Path(stored.path), str(stored.tag), dict(stored.info.metadata))
        shadow.self_check()
    except ModelLoadError as error:
        logger.error("shadow scoring off: %s", error)
        return None
    logger.info("shadow scoring with %s: recorded, never returned", shadow.tag)
    return shadow


def drift_capture(
    model: CreditModel, database: RecordsDatabase, settings: ServiceSettings
) -> Capture | None:
    """The worker's drift counting for ``model``, or None (logged) when the model entry has no
    reference bins: the service still scores, it is just not monitored."""
    reference = store.read_json(model.root / store.REFERENCE_FILE)
    try:
        bins = Bins.from_reference(reference, model.tag)
    except NoReferenceBins as error:
        logger.warning("drift monitoring off: %s", error)
        return None
    expected = tuple(FEATURE_NAMES[i] for i in model.columns)
    if bins.features != expected:
        logger.warning(
            "drift monitoring off: model %s's reference bins are not its features", model.tag
        )
        return None
    return Capture(
        bins,
        model.tag,
        DriftCounts(database),
        settings.monitor_window_seconds,
        settings.monitor_flush_seconds,
    )


def readiness_reason(reason: str) -> str:
    return f"service not ready: {reason}"


def _exists(url: str) -> bool:
    """A SQLite portfolio must exist (it is read-only); other databases are assumed up."""
    prefix = "sqlite:///"
    return not url.startswith(prefix) or Path(url[len(prefix) :]).is_file()
