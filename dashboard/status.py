"""What a view shows when it has nothing to show: the API's error, or how to start."""

from __future__ import annotations

import html

import panel as pn

from dashboard.store import DashboardStore
from dashboard.wording import word


def notice(store: DashboardStore) -> pn.pane.Alert:
    """A readable error (never a stack trace) when the last API call failed, else a hint."""
    if store.error:
        return pn.pane.Alert(f"⚠ {html.escape(store.error, quote=False)}", alert_type="danger")
    return pn.pane.Alert(word("choose", store.language), alert_type="info")
