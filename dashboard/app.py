"""The whole dashboard: one store per session, one view per panel, in a FastListTemplate.

``create_app`` is what the server calls for every new session, so no two people share a
selected client, and each session's API calls are made for its signed-in person. The header
names them and their role; a supervisor also gets the review queue and the model's
monitoring. The URL carries the client and the language (``?client=100002&lang=fr``), so an
advisor can bookmark or send a link that opens straight on a client.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

import panel as pn
import param
from panel.io.resources import CDN_DIST
from panel.theme import Fast
from panel.viewable import Viewer

from dashboard.api import CreditApi
from dashboard.charts import ACCEPTANCE
from dashboard.config import DEFAULT_CURRENCY, DEFAULT_TIMEZONE
from dashboard.decision import DecisionView
from dashboard.history import HistoryView
from dashboard.monitoring import MonitoringView
from dashboard.peers import PeersView
from dashboard.people import LEAST, role_name
from dashboard.profile import ProfileView
from dashboard.record import RecordView
from dashboard.review import ReviewView
from dashboard.selection import SelectionView
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from dashboard.why import WhyView
from dashboard.wording import word

TITLE = "Prêt à dépenser"  # the product's name, the same in both languages
# Each language is named in itself, as language switches do everywhere.
LANGUAGE_OPTIONS = {"English": "en", "Français": "fr"}
URL_PARAMETERS = {"client_id": "client", "language": "lang"}
# Title of each tab (a wording key) and its view.
TABS = {
    "tab_why": WhyView,
    "tab_profile": ProfileView,
    "tab_peers": PeersView,
    "tab_whatif": WhatIfView,
    "tab_history": HistoryView,
}
# Offered to supervisors only (the API refuses an advisor the review queue).
SUPERVISOR_TABS = {"tab_review": ReviewView, "tab_monitoring": MonitoringView}
# Views read again each time their tab is opened: what they show changes all day.
READ_ON_OPENING = (ReviewView, MonitoringView)
# On a narrow screen the tab titles go to a second line instead of being cut off (Bokeh puts
# them in a non-wrapping flex row inside the header).
WRAPPED_TABS = (
    ":host .bk-header, :host .bk-headers-wrapper { flex-wrap: wrap; }"
    " :host .bk-tab { white-space: nowrap; }"
)
FONT = 'system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'  # installed, not fetched
# The template's hover hints ("Toggle the Sidebar", "Busy Indicator") are in English only.
TEMPLATE_CSS = "fast-tooltip { display: none !important; }"


class LocalFast(Fast):
    """Panel's Fast design without its Google font, so no request leaves for another host.

    Panel serves the design's scripts itself; its script path is given as the bundle's URL,
    which Panel maps to the local copy (a relative path would be looked up under this
    subclass's name).
    """

    _resources: ClassVar[dict[str, Any]] = {
        **Fast._resources,
        "font": {},
        "js_modules": {
            **Fast._resources["js_modules"],
            "fast-design": f"{CDN_DIST}bundled/fast/js/fast_design.js",
        },
    }


class App(Viewer):
    """Client selection and language in the sidebar; the recommendation and the decision on
    top, then one tab a panel; the signed-in person in the header."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        store = self.store
        tabs = {**TABS, **(SUPERVISOR_TABS if store.supervisor else {})}
        self.views = {key: view(store=store) for key, view in tabs.items()}
        self._tabs = pn.Tabs(
            *((word(key, store.language), view) for key, view in self.views.items()),
            dynamic=True,  # only the open tab is computed and sent
            sizing_mode="stretch_width",
            stylesheets=[WRAPPED_TABS],
        )
        language = pn.widgets.RadioButtonGroup.from_param(
            store.param.language,
            options=LANGUAGE_OPTIONS,
            label="",
            color="primary",
            description=None,
        )
        self._tabs.param.watch(self._opened, "active")
        self.sidebar = [language, SelectionView(store=store)]
        self.main = [DecisionView(store=store), RecordView(store=store), self._tabs]
        self.header = [pn.panel(self._who, sizing_mode="stretch_width")]

    def _opened(self, event: param.parameterized.Event) -> None:
        """The review queue and the monitoring are read each time their tab is opened."""
        view = list(self.views.values())[event.new]
        if isinstance(view, READ_ON_OPENING):
            view.load()

    @param.depends("store.language")
    def _who(self) -> pn.viewable.Viewable:
        """Who is signed in, in which role, and the way out (none outside a server session)."""
        store, language = self.store, self.store.language
        if not store.user:
            return pn.Column()
        who = word("signed_in", language, user=store.user, role=role_name(store.role, language))
        logout = word("logout", language)
        return pn.pane.HTML(
            f'<div style="color: #FFFFFF; text-align: right; white-space: nowrap">'
            f"{html.escape(who, quote=False)} · "
            f'<a href="./logout" style="color: #FFFFFF">{html.escape(logout, quote=False)}</a>'
            "</div>",
            sizing_mode="stretch_width",
        )

    @param.depends("store.language", watch=True)
    def _retitle(self) -> None:
        """Tabs keep the title a tab was first drawn with: redraw them in new wrappers."""
        self._tabs[:] = [
            (word(key, self.store.language), pn.Column(view, sizing_mode="stretch_width"))
            for key, view in self.views.items()
        ]

    def sync_url(self) -> None:
        """Open ``?client=<id>`` and keep the URL in step with the client and language."""
        if pn.state.location is not None:
            pn.state.location.sync(self.store, URL_PARAMETERS, on_error=self._bad_link)

    def _bad_link(self, values: dict[str, Any]) -> None:
        """Apply what is valid in a link (language first); explain a client ID that is not one."""
        for name in sorted(values, key=lambda name: name != "language"):
            try:
                self.store.param.update({name: values[name]})
            except ValueError:
                if name == "client_id":
                    self.store.complain("not_an_id", text=values[name])

    def template(self) -> pn.template.FastListTemplate:
        """The page: Okabe-Ito blue accent with white header text (5.1:1 contrast)."""
        return pn.template.FastListTemplate(
            title=TITLE,
            sidebar=self.sidebar,
            main=self.main,
            header=self.header,
            accent_base_color=ACCEPTANCE,
            header_background=ACCEPTANCE,
            header_color="#FFFFFF",
            theme_toggle=False,  # the figures are drawn for a light background
            main_layout=None,
            raw_css=[TEMPLATE_CSS],
            design=LocalFast,
            font=FONT,
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Row(
            pn.Column(*self.sidebar, width=300),
            pn.Column(*self.header, *self.main, sizing_mode="stretch_width"),
        )


def create_app(
    api: CreditApi,
    snapshot_path: str,
    currency: str = DEFAULT_CURRENCY,
    *,
    role: str = LEAST,
    timezone: str = DEFAULT_TIMEZONE,
) -> pn.template.FastListTemplate:
    """One session, for the person ``api`` acts for: its own store, the model described up
    front, the URL followed."""
    store = DashboardStore(
        api=api, snapshot_path=snapshot_path, currency=currency, role=role, timezone=timezone
    )
    store.load_model_info()
    app = App(store=store)
    app.sync_url()
    return app.template()
