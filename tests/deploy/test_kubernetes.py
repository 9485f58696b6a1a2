"""The Kubernetes manifests of ``deploy/kubernetes``, checked without a cluster.

Every file and every overlay, as ``kubectl kustomize`` renders it, is validated against the
OpenAPI schemas of Kubernetes 1.32 by kubernetes-validate in strict mode (an unknown field
fails). The rest catches the mistakes a schema cannot see: a variable the service does not
read, a probe on a route it does not serve, a Service selecting no pod, a Secret key no one
creates, an image `make container` does not build. No cluster runs here
(docs/deployment-kubernetes.md).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, ClassVar

import kubernetes_validate
import pytest
import yaml

from dashboard import config as dashboard_config
from scoring.serving.auth import PUBLIC_PATHS
from scoring.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
KUBE = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.32.0"
FOLDERS = ("base", "overlays/demo", "overlays/production")
OVERLAYS = {"overlays/demo": "demo", "overlays/production": "production"}
KUBECTL = shutil.which("kubectl")
needs_kustomize = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl (its built-in kustomize) is not installed"
)
# Variables the pods set that are no setting of the service, each for a measured reason
# (docs/deployment-kubernetes.md): BentoML's home on an emptyDir (the root is read-only), and
# a writable cache for fontconfig (the letters' PDF).
RUNTIME_VARIABLES = {"BENTOML_HOME", "XDG_CACHE_HOME"}
POSTGRES_VARIABLES = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD", "PGDATA"}
SERVICE_VARIABLES = {ServiceSettings.variable(name) for name in ServiceSettings.model_fields}
DASHBOARD_VARIABLES = {
    value for name, value in vars(dashboard_config).items() if name.endswith("_ENV")
}
WORKLOADS = ("Deployment", "StatefulSet", "CronJob")


def _monitor_script() -> ModuleType:
    path = KUBE / "base" / "monitor_job.py"
    spec = importlib.util.spec_from_file_location("monitor_job", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MONITOR = _monitor_script()


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


@cache
def _rendered(folder: str) -> tuple[dict[str, Any], ...]:
    """What ``kubectl kustomize`` makes of ``folder``."""
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "kustomize", str(KUBE / folder)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def _of_kind(docs: tuple[dict[str, Any], ...], *kinds: str) -> list[dict[str, Any]]:
    return [doc for doc in docs if doc["kind"] in kinds]


def _pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec = workload["spec"]
    template = (
        spec["jobTemplate"]["spec"]["template"] if "jobTemplate" in spec else spec["template"]
    )
    return template["spec"]


def _pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    spec = workload["spec"]
    template = (
        spec["jobTemplate"]["spec"]["template"] if "jobTemplate" in spec else spec["template"]
    )
    return template["metadata"]["labels"]


def _containers(docs: tuple[dict[str, Any], ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    for workload in _of_kind(docs, *WORKLOADS):
        for container in _pod_spec(workload)["containers"]:
            yield workload["metadata"]["name"], container


def _container(docs: tuple[dict[str, Any], ...], name: str) -> dict[str, Any]:
    return next(c for _, c in _containers(docs) if c["name"] == name)


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def _validate(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def _secrets(overlay: str) -> dict[str, set[str]]:
    """The Secrets ``secrets.sh`` makes for ``overlay``: name -> keys."""
    env = {**os.environ, "DRY_RUN": "1", "AUDIT_DB_URL": "postgresql+psycopg://u:p@db/x"}
    env |= {"DASHBOARD_API_KEY": "dashboard-key", "MONITOR_API_KEY": "monitor-key"}
    result = subprocess.run(
        ["bash", str(KUBE / "secrets.sh"), overlay],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    docs = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    for doc in docs:
        _validate(doc)
    return {doc["metadata"]["name"]: set(doc["data"]) for doc in docs}


# ---- each kustomization and each file --------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_kustomization_lists_every_file_of_its_folder(folder: str) -> None:
    kustomization = yaml.safe_load((KUBE / folder / "kustomization.yaml").read_text())
    listed = {r for r in kustomization.get("resources", []) if not r.startswith("..")}
    listed |= {p["path"] for p in kustomization.get("patches", []) if "path" in p}
    for generator in kustomization.get("configMapGenerator", []):
        listed |= set(generator.get("files", []))
    present = {
        p.name
        for p in (KUBE / folder).iterdir()
        if p.name not in ("kustomization.yaml", "__pycache__")
    }
    assert listed == present, f"{folder}: unlisted {present - listed}, missing {listed - present}"


def _manifest_files() -> list[Path]:
    return sorted(
        p for f in FOLDERS for p in (KUBE / f).glob("*.yaml") if p.name != "kustomization.yaml"
    )


@pytest.mark.parametrize("path", _manifest_files(), ids=lambda p: str(p.relative_to(KUBE)))
def test_every_manifest_file_is_valid_kubernetes(path: Path) -> None:
    for doc in _documents(path):
        _validate(doc)


@needs_kustomize
@pytest.mark.parametrize("folder", FOLDERS)
def test_every_rendered_overlay_is_valid_kubernetes(folder: str) -> None:
    """Rendered: the patches applied, the generated ConfigMap named, the namespace set."""
    docs = _rendered(folder)
    assert docs
    for doc in docs:
        _validate(doc)
        if folder in OVERLAYS:
            assert doc["kind"] == "Namespace" or doc["metadata"].get("namespace")


def test_the_validator_refuses_a_wrong_field() -> None:
    """A guard that cannot fail proves nothing: a misspelt field and a bad type are caught."""
    deployment = _documents(KUBE / "base" / "api-deployment.yaml")[0]
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "x"
    for doc in (misspelt, wrong_type):
        with pytest.raises(kubernetes_validate.ValidationError):
            _validate(doc)


# ---- what the service and the dashboard really read and serve ----------------------------


def _environment(docs: tuple[dict[str, Any], ...], container: dict[str, Any]) -> dict[str, str]:
    """The variables ``container`` gets: its ConfigMaps' keys, then its own env."""
    config_maps = {
        doc["metadata"]["name"]: doc.get("data", {}) for doc in _of_kind(docs, "ConfigMap")
    }
    names: dict[str, str] = {}
    for source in container.get("envFrom", []):
        names |= config_maps[source["configMapRef"]["name"]]
    for variable in container.get("env", []):
        names[variable["name"]] = variable.get("value", "<secret>")
    return names


@needs_kustomize
@pytest.mark.parametrize("folder", FOLDERS)
def test_every_variable_set_is_read_by_its_program(folder: str) -> None:
    docs = _rendered(folder)
    allowed = {
        "api": SERVICE_VARIABLES | RUNTIME_VARIABLES,
        "dashboard": DASHBOARD_VARIABLES,
        "monitor": set(MONITOR.VARIABLES),
        "postgres": POSTGRES_VARIABLES,
    }
    for workload, container in _containers(docs):
        assert container["name"] in allowed, f"{workload}: unknown container {container['name']}"
        unknown = set(_environment(docs, container)) - allowed[container["name"]]
        assert not unknown, f"{workload}/{container['name']} sets unread variables {unknown}"


@needs_kustomize
def test_the_settings_given_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ConfigMaps' values pass the settings' own validation, and point at the API."""
    docs = _rendered("base")
    api = _environment(docs, _container(docs, "api"))
    for name in list(os.environ):
        if name.startswith("CREDIT_"):
            monkeypatch.delenv(name)
    for name, value in api.items():
        if name in SERVICE_VARIABLES and value != "<secret>":
            monkeypatch.setenv(name, value)
    settings = ServiceSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.workers >= 1 and settings.api_auth == "enabled"
    dashboard = _environment(docs, _container(docs, "dashboard"))
    parsed = dashboard_config.load_settings(environ=dashboard)
    api_service = _of_kind(docs, "Service")[0]
    assert parsed.api_url == f"http://{api_service['metadata']['name']}:3000"
    assert _container(docs, "monitor")["env"][0] == {
        "name": "CREDIT_API_URL",
        "value": parsed.api_url,
    }


def _bentoml_routes() -> set[str]:
    """The health and metrics routes BentoML's server adds to every service."""
    from bentoml._internal.server.base_app import BaseAppFactory

    endpoint = SimpleNamespace(livez=None, readyz=None, metrics=None)
    return {route.path for route in BaseAppFactory.get_system_routes(endpoint)}  # type: ignore[arg-type]


@needs_kustomize
def test_the_api_probes_are_served_without_a_token() -> None:
    """The kubelet sends no token: each probe is one of BentoML's routes and public; the
    readiness probe is /readyz, the one that runs the service's fail-closed __is_ready__."""
    api = _container(_rendered("base"), "api")
    probes = {
        kind: api[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    for probe in probes.values():
        assert probe["path"] in _bentoml_routes() & PUBLIC_PATHS
        assert probe["port"] in {port["name"] for port in api["ports"]}
    assert probes["readinessProbe"]["path"] == "/readyz"
    assert probes["livenessProbe"]["path"] == "/livez"


@needs_kustomize
def test_the_dashboard_probes_its_sign_in_page() -> None:
    from dashboard.__main__ import LOGIN_PAGE, LOGOUT_PAGE
    from dashboard.api import CreditApi
    from dashboard.signin import ApiAuthProvider

    login_url = ApiAuthProvider(CreditApi("http://api", "t"), LOGIN_PAGE, LOGOUT_PAGE).login_url
    dashboard = _container(_rendered("base"), "dashboard")
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert dashboard[kind]["httpGet"]["path"] == login_url


@needs_kustomize
def test_the_ports_are_those_the_programs_listen_on() -> None:
    from bentoml._internal.configuration.containers import BentoMLContainer

    docs = _rendered("base")
    (api_port,) = _container(docs, "api")["ports"]
    assert api_port["containerPort"] == BentoMLContainer.http.port.get()
    dashboard = _container(docs, "dashboard")
    (dashboard_port,) = dashboard["ports"]
    port = dashboard_config.load_settings(environ=_environment(docs, dashboard)).port
    assert dashboard_port["containerPort"] == port
    assert "--address" in dashboard["command"] and "0.0.0.0" in dashboard["command"]


# ---- labels, selectors and references ----------------------------------------------------


@needs_kustomize
@pytest.mark.parametrize("folder", FOLDERS)
def test_every_selector_selects_real_pods(folder: str) -> None:
    docs = _rendered(folder)
    pods = {w["metadata"]["name"]: (w, _pod_labels(w)) for w in _of_kind(docs, *WORKLOADS)}
    for workload, labels in pods.values():
        if workload["kind"] != "CronJob":
            assert _selects(workload["spec"]["selector"]["matchLabels"], labels)
    ports = {
        port["name"]
        for workload, _ in pods.values()
        for container in _pod_spec(workload)["containers"]
        for port in container.get("ports", [])
    }
    for service in _of_kind(docs, "Service"):
        chosen = [
            name
            for name, (_, labels) in pods.items()
            if _selects(service["spec"]["selector"], labels)
        ]
        assert chosen, f"service {service['metadata']['name']} selects no pod"
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports
    for budget in _of_kind(docs, "PodDisruptionBudget", "NetworkPolicy"):
        selector = budget["spec"].get("selector") or budget["spec"]["podSelector"]
        assert any(_selects(selector["matchLabels"], labels) for _, labels in pods.values())
    for policy in _of_kind(docs, "NetworkPolicy"):
        for rule in policy["spec"].get("ingress", []):
            for source in rule.get("from", []):
                if "podSelector" in source:
                    wanted = source["podSelector"]["matchLabels"]
                    assert any(_selects(wanted, labels) for _, labels in pods.values())
    deployments = {d["metadata"]["name"] for d in _of_kind(docs, "Deployment")}
    for autoscaler in _of_kind(docs, "HorizontalPodAutoscaler"):
        assert autoscaler["spec"]["scaleTargetRef"]["name"] in deployments
    services = {s["metadata"]["name"] for s in _of_kind(docs, "Service")}
    for stateful in _of_kind(docs, "StatefulSet"):
        assert stateful["spec"]["serviceName"] in services


@needs_kustomize
@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_secret_and_config_map_read_exists(overlay: str) -> None:
    """ConfigMaps come with the manifests; Secrets with the keys from ``secrets.sh``."""
    docs = _rendered(overlay)
    secrets = _secrets(OVERLAYS[overlay])
    config_maps = {doc["metadata"]["name"] for doc in _of_kind(docs, "ConfigMap")}
    for workload in _of_kind(docs, *WORKLOADS):
        spec = _pod_spec(workload)
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config_maps
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets.get(ref["name"], set()), (overlay, ref)


def test_production_secrets_need_their_external_values() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("AUDIT_DB_URL", "DASHBOARD_API_KEY")}
    result = subprocess.run(
        ["bash", str(KUBE / "secrets.sh"), "production"],
        capture_output=True,
        text=True,
        env={**env, "DRY_RUN": "1"},
        check=False,
    )
    assert result.returncode != 0 and "AUDIT_DB_URL" in result.stderr


# ---- the image and the pods' safety --------------------------------------------------


def _makefile_image() -> str:
    match = re.search(r"^IMAGE \?= (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "IMAGE ?= not found in the Makefile"
    return match.group(1)


@needs_kustomize
@pytest.mark.parametrize("folder", FOLDERS)
def test_the_images_are_those_make_container_builds(folder: str) -> None:
    image = _makefile_image()
    expected = {"api": image, "monitor": image, "dashboard": f"{image}-dashboard"}
    for _, container in _containers(_rendered(folder)):
        if container["name"] in expected:
            name, _, tag = container["image"].rpartition(":")
            assert name.rsplit("/", 1)[-1] == expected[container["name"]], container["image"]
            assert tag != "latest" or folder != "overlays/production"


@needs_kustomize
@pytest.mark.parametrize("folder", FOLDERS)
def test_every_container_is_bounded_and_unprivileged(folder: str) -> None:
    docs = _rendered(folder)
    for workload in _of_kind(docs, *WORKLOADS):
        spec = _pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec.get("automountServiceAccountToken") is False
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            if container["name"] in ("api", "monitor", "dashboard"):
                # The image's USER is a name; uid 1034 is BentoML's (docs/container.md).
                assert spec["securityContext"]["runAsUser"] == 1034


@needs_kustomize
def test_the_api_writes_only_to_its_empty_dirs() -> None:
    api_workload = _of_kind(_rendered("base"), "Deployment")[0]
    api = _container(_rendered("base"), "api")
    mounts = {m["mountPath"] for m in api["volumeMounts"]}
    home = next(v["value"] for v in api["env"] if v["name"] == "BENTOML_HOME")
    cache_home = next(v["value"] for v in api["env"] if v["name"] == "XDG_CACHE_HOME")
    assert home in mounts and any(cache_home.startswith(m + "/") for m in mounts)
    assert all("emptyDir" in v for v in _pod_spec(api_workload)["volumes"])
    # The grace period covers the preStop pause and the service's request timeout.
    grace = _pod_spec(api_workload)["terminationGracePeriodSeconds"]
    pause = int(api["lifecycle"]["preStop"]["exec"]["command"][-1])
    timeout = int(re.search(r'"timeout": (\d+)', (ROOT / "service.py").read_text()).group(1))
    assert grace > pause + timeout


# ---- the monitor's job ----------------------------------------------------------------


def test_the_monitor_job_knows_the_cli_exit_statuses() -> None:
    from training.monitoring.run import EXIT_STATUS

    assert MONITOR.EXIT_STATUS == EXIT_STATUS


@needs_kustomize
def test_the_cron_job_fails_at_once_on_a_verdict() -> None:
    (cron,) = _of_kind(_rendered("base"), "CronJob")
    job = cron["spec"]["jobTemplate"]["spec"]
    (verdict,) = [rule for rule in job["podFailurePolicy"]["rules"] if "onExitCodes" in rule]
    assert verdict["action"] == "FailJob"
    assert set(verdict["onExitCodes"]["values"]) == set(MONITOR.EXIT_STATUS.values()) - {0}
    assert MONITOR.FAILURE not in verdict["onExitCodes"]["values"]  # retried
    assert job["template"]["spec"]["restartPolicy"] == "Never"


class _Monitoring(BaseHTTPRequestHandler):
    status = "stable"
    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        if self.headers["Authorization"] != "Bearer audit-key":
            self.send_response(401)
            self.end_headers()
            return
        column = {"level": "act", "psi": 0.3, "label_en": "Income"}
        document = {
            "model": "credit_scoring:x",
            "applications": 12,
            "period": {"since": "2026-01-01", "until": "2026-01-02"},
            "status": type(self).status,
            "score": {"level": "stable", "psi": 0.01},
            "features": [column],
        }
        payload = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def monitoring_api() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Monitoring)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _run_monitor(url: str, token: str, fail_from: str = "act") -> subprocess.CompletedProcess:
    env = {
        "CREDIT_API_URL": url,
        "CREDIT_API_TOKEN": token,
        "MONITOR_FAIL_FROM": fail_from,
        "PATH": os.environ["PATH"],
    }
    script = KUBE / "base" / "monitor_job.py"
    return subprocess.run(
        [sys.executable, "-I", str(script)], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize(
    ("status", "fail_from", "code"),
    [
        ("stable", "act", 0),
        ("watch", "act", 0),
        ("act", "act", 4),
        ("no data", "act", 5),
        ("watch", "watch", 3),
        ("act", "watch", 4),
    ],
)
def test_the_monitor_job_exits_as_the_cli_does(
    monitoring_api: str, status: str, fail_from: str, code: int
) -> None:
    """Run as the CronJob runs it: the image's Python alone (-I: no project on the path)."""
    _Monitoring.status = status
    result = _run_monitor(monitoring_api, "audit-key", fail_from)
    assert result.returncode == code, result.stderr
    assert f"(excluded): {status}" in result.stdout and "PSI 0.300  Income" in result.stdout
    since, until = _Monitoring.bodies[-1]["since"], _Monitoring.bodies[-1]["until"]
    assert since < until


def test_the_monitor_job_fails_with_2_when_the_api_refuses(monitoring_api: str) -> None:
    result = _run_monitor(monitoring_api, "wrong")
    assert result.returncode == MONITOR.FAILURE and "401" in result.stderr
