"""The Ed-Fi discovery document (``GET {root}``, no authentication) and the URLs it gives.

Shapes seen in the field (Discovery API 1.0):

* 7.x: ``{"version": "7.1", "informationalVersion", "suite": "3", "build",
  "dataModels": [{"name": "Ed-Fi", "version": "5.0.0"}, ...], "urls": {"dependencies",
  "openApiMetadata", "oauth", "dataManagementApi", "xsdMetadata", "changeQueries",
  "composites", "identity"}}``; a multi-tenant host serves one such document per tenant
  root, with the tenant (and any context segment such as the school year) already in the
  URLs.
* 5.x/6.x: the same plus ``apiMode`` (``Sandbox``, ``Shared Instance``, ``District
  Specific``, ``Year Specific``, ``Instance Year Specific``); some 5.x roots have no
  ``urls.changeQueries`` (the route is then ``{root}/changeQueries/v1/``). In the year
  modes the URLs carry no year: the data and change-query routes take ``{year}/`` (or
  ``{instance}/{year}/``) after their base, and metadata ``/metadata/data/v3/{year}/...``.
* Context routing (7.x ``OdsContextRouteTemplate``) can leave route placeholders such as
  ``{schoolYearFromRoute}`` or ``{instanceId:int}`` in the URLs; they are filled from the
  configured school year / instance code.

Every URL is used as given (absolute); nothing is rebuilt from the root except the
documented defaults above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from interop_hub.core.errors import SourceDataError, SourceError

__all__ = ["Discovery", "parse_discovery"]

_PLACEHOLDER: Final = re.compile(r"\{(\w+)(?::(?:[^{}]|\{[^{}]*\})*)?\}")
_VERSION: Final = re.compile(r"^(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Discovery:
    version: str
    informational_version: str
    data_model: str | None
    api_mode: str | None
    oauth: str
    data: str
    dependencies: str
    change_queries: str

    @property
    def ods_version(self) -> tuple[int, int]:
        return _numbers(self.version)

    @property
    def uses_contacts(self) -> bool:
        """Data Standard 5+ (ODS/API 7.x) names parents ``contacts``."""
        if self.data_model:
            return _numbers(self.data_model) >= (5, 0)
        return self.ods_version >= (7, 0)

    @property
    def has_key_changes(self) -> bool:
        """``/keyChanges`` (and natural keys in ``/deletes``) came with ODS/API 6.1 and the
        5.3 "cqe" patch; older hosts answer 404."""
        return self.ods_version >= (6, 1) or "cqe" in self.informational_version.lower()

    def resource(self, name: str, suffix: str = "") -> str:
        """The absolute URL of an ``ed-fi`` resource (``/deletes``, ``/keyChanges``)."""
        return f"{self.data}ed-fi/{name}{suffix}"

    @property
    def available_change_versions(self) -> str:
        return f"{self.change_queries}availableChangeVersions"

    def describe(self) -> str:
        model = f", Ed-Fi data model {self.data_model}" if self.data_model else ""
        mode = f", {self.api_mode} mode" if self.api_mode else ""
        return f"Ed-Fi ODS/API {self.version}{model}{mode}"


def _numbers(version: str) -> tuple[int, int]:
    match = _VERSION.match(version.strip())
    if match is None:
        return (0, 0)
    return int(match.group(1)), int(match.group(2) or 0)


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _fill(url: str, school_year: int | None, instance: str | None, root: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        lowered = name.lower()
        if "year" in lowered and school_year is not None:
            return str(school_year)
        if "instance" in lowered and instance:
            return instance
        raise SourceError(
            f"the Ed-Fi API at {root} routes through {{{name}}} ({url}); set "
            f"{'school_year' if 'year' in lowered else 'instance_code'} in the connector "
            "configuration"
        )

    return _PLACEHOLDER.sub(value, url)


def _mode(raw: Any) -> str | None:
    return str(raw) if isinstance(raw, str) and raw.strip() else None


def _segment(mode: str | None, school_year: int | None, instance: str | None, root: str) -> str:
    """The route segment the 5.x/6.x year modes insert (``""`` for the other modes)."""
    folded = re.sub(r"[^a-z]", "", (mode or "").lower())
    if folded not in ("yearspecific", "instanceyearspecific"):
        return ""
    if school_year is None:
        raise SourceError(
            f"the Ed-Fi API at {root} runs in {mode} mode: set school_year in the connector "
            "configuration to the year to read"
        )
    if folded == "yearspecific":
        return f"{school_year}/"
    if not instance:
        raise SourceError(
            f"the Ed-Fi API at {root} runs in {mode} mode: set instance_code and "
            "school_year in the connector configuration"
        )
    return f"{instance}/{school_year}/"


def parse_discovery(
    body: Any, root: str, *, school_year: int | None = None, instance: str | None = None
) -> Discovery:
    """The URLs of the API rooted at ``root`` from its discovery ``body``."""
    urls = body.get("urls") if isinstance(body, dict) else None
    if not isinstance(urls, dict) or not all(
        isinstance(urls.get(k), str) and urls.get(k) for k in ("dataManagementApi", "oauth")
    ):
        raise SourceDataError(
            f"GET {root} did not return an Ed-Fi discovery document (no urls.dataManagementApi "
            "and urls.oauth): set base_url to the API root, e.g. https://host/api"
        )
    base = _slash(root)
    mode = _mode(body.get("apiMode"))
    segment = _segment(mode, school_year, instance, root)

    def url(key: str, default: str) -> str:
        raw = urls.get(key)
        return _fill(raw if isinstance(raw, str) and raw else default, school_year, instance, root)

    data = _slash(url("dataManagementApi", "")) + segment
    changes = _slash(url("changeQueries", f"{base}changeQueries/v1/")) + segment
    dependencies = url("dependencies", f"{base}metadata/data/v3/dependencies")
    if segment:
        dependencies = dependencies.replace(
            "/metadata/data/v3/dependencies", f"/metadata/data/v3/{segment}dependencies"
        )
    model = None
    for item in body.get("dataModels") or ():
        if isinstance(item, dict) and item.get("name") == "Ed-Fi" and item.get("version"):
            model = str(item["version"])
    version = body.get("version")
    return Discovery(
        version=str(version) if version is not None else "",
        informational_version=str(body.get("informationalVersion") or ""),
        data_model=model,
        api_mode=mode,
        oauth=url("oauth", ""),
        data=data,
        dependencies=dependencies,
        change_queries=changes,
    )
