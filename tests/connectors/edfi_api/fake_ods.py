"""An Ed-Fi ODS/API as respx sees it: discovery, token, dependencies, collections with
offset paging and flat key filters, change queries, ``/deletes`` and ``/keyChanges``.

Payload shapes follow the ODS/API documentation and the official OpenAPI (``resources-ds-
5.0.yml``/``-4.0.yml``): collection bodies are JSON arrays of items carrying ``id``,
``_etag`` and (5.3+) ``_lastModifiedDate``; ``Total-Count`` answers ``totalCount=true``;
``limit`` above 500 is a 400; errors are v7 problem details (``type``
``urn:ed-fi:api:...``) or, on 5.x, ``{"message": ...}``. ``Profile`` selects the version
differences a consumer must handle.
"""

from __future__ import annotations

import base64
import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import respx

BASE = "https://ods.example.org/api"
CLIENT_ID = "roster-vendor"
CLIENT_SECRET = "s3cr3t-roster"

KEYS: dict[str, tuple[str, ...]] = {
    "localEducationAgencies": ("localEducationAgencyId",),
    "schools": ("schoolId",),
    "sessions": ("schoolId", "schoolYear", "sessionName"),
    "courses": ("courseCode", "educationOrganizationId"),
    "courseOfferings": ("localCourseCode", "schoolId", "schoolYear", "sessionName"),
    "sections": ("localCourseCode", "schoolId", "schoolYear", "sectionIdentifier", "sessionName"),
    "students": ("studentUniqueId",),
    "staffs": ("staffUniqueId",),
    "contacts": ("contactUniqueId",),
    "parents": ("parentUniqueId",),
    "studentSchoolAssociations": ("entryDate", "schoolId", "studentUniqueId"),
    "studentEducationOrganizationAssociations": ("educationOrganizationId", "studentUniqueId"),
    "studentContactAssociations": ("contactUniqueId", "studentUniqueId"),
    "studentParentAssociations": ("parentUniqueId", "studentUniqueId"),
    "staffEducationOrganizationAssignmentAssociations": (
        "beginDate",
        "educationOrganizationId",
        "staffClassificationDescriptor",
        "staffUniqueId",
    ),
    "staffSectionAssociations": (
        "beginDate",
        "localCourseCode",
        "schoolId",
        "schoolYear",
        "sectionIdentifier",
        "sessionName",
        "staffUniqueId",
    ),
    "studentSectionAssociations": (
        "beginDate",
        "localCourseCode",
        "schoolId",
        "schoolYear",
        "sectionIdentifier",
        "sessionName",
        "studentUniqueId",
    ),
}

# The load order of ODS/API 7.1 (DS 5.0) for these resources, among others it lists.
ORDERS_7: dict[str, int] = {
    "schoolYearTypes": 1,
    "stateEducationAgencies": 2,
    "contacts": 3,
    "students": 3,
    "localEducationAgencies": 4,
    "studentContactAssociations": 4,
    "schools": 5,
    "sessions": 7,
    "studentEducationOrganizationAssociations": 7,
    "courses": 8,
    "courseOfferings": 9,
    "sections": 10,
    "studentSectionAssociations": 11,
    "studentSchoolAssociations": 13,
    "staffs": 16,
    "staffSectionAssociations": 17,
    "staffEducationOrganizationAssignmentAssociations": 18,
    "gradingPeriods": 8,
    "calendars": 7,
}


@dataclass
class Profile:
    """What differs between ODS/API versions."""

    version: str = "7.1"
    data_model: str = "5.0.0"
    api_mode: str | None = None
    year: int | None = None
    contacts: bool = True
    change_queries_url: bool = True
    lower_case_versions: bool = True
    deletes_with_keys: bool = True
    key_changes: bool = True
    last_modified: bool = True
    problem_details: bool = True

    @classmethod
    def ods_5_3(cls) -> Profile:
        """ODS/API 5.3 (DS 3.3-b), year-specific, no change-query URL, keyless deletes."""
        return cls(
            version="5.3",
            data_model="3.3.1-b",
            api_mode="Year Specific",
            year=2025,
            contacts=False,
            change_queries_url=False,
            lower_case_versions=False,
            deletes_with_keys=False,
            key_changes=False,
            last_modified=False,
            problem_details=False,
        )

    @classmethod
    def ods_6_1(cls) -> Profile:
        """ODS/API 6.1 (DS 4.0): parents, natural keys in deletes, no _lastModifiedDate."""
        return cls(version="6.1", data_model="4.0.0", contacts=False, last_modified=False)


@dataclass
class Item:
    id: str
    doc: dict[str, Any]
    version: int


def flat(doc: dict[str, Any]) -> dict[str, Any]:
    """Scalar fields plus the fields of every reference (the ODS's flat query names)."""
    out: dict[str, Any] = {}
    for name, value in doc.items():
        if name.endswith("Reference") and isinstance(value, dict):
            out.update(value)
    out.update({k: v for k, v in doc.items() if not isinstance(v, dict | list)})
    return out


@dataclass
class FakeOds:
    profile: Profile = field(default_factory=Profile)
    base: str = BASE
    items: dict[str, list[Item]] = field(default_factory=dict)
    deleted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rekeyed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    # Responses served instead of the normal answer: (path suffix, queue of responses).
    faults: list[tuple[str, list[httpx.Response | Exception]]] = field(default_factory=list)
    log: list[httpx.Request] = field(default_factory=list)
    hooks: list[Callable[[httpx.Request], None]] = field(default_factory=list)
    _version: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    newest: int = 0

    # -- data ------------------------------------------------------------------------------
    def _bump(self) -> int:
        self.newest = next(self._version)
        return self.newest

    def _stamp(self, doc: dict[str, Any], version: int) -> dict[str, Any]:
        doc = {k: v for k, v in doc.items() if k not in ("_etag", "_lastModifiedDate")}
        doc["_etag"] = str(5250000000000000000 + version)
        if self.profile.last_modified:
            doc["_lastModifiedDate"] = (
                f"2025-01-{10 + version % 18:02d}T14:{version % 60:02d}:03.2882372Z"
            )
        return doc

    def load(self, dataset: dict[str, list[dict[str, Any]]]) -> None:
        for resource, docs in dataset.items():
            for doc in docs:
                self.add(resource, doc)

    def add(self, resource: str, doc: dict[str, Any]) -> Item:
        version = self._bump()
        item = Item(f"{next(self._ids):032x}", self._stamp(copy.deepcopy(doc), version), version)
        item.doc["id"] = item.id
        self.items.setdefault(resource, []).append(item)
        return item

    def find(self, resource: str, **match: Any) -> Item:
        found = [i for i in self.items.get(resource, []) if _matches(flat(i.doc), match)]
        assert len(found) == 1, (resource, match, len(found))
        return found[0]

    def key_of(self, resource: str, doc: dict[str, Any]) -> dict[str, Any]:
        values = flat(doc)
        return {k: values[k] for k in KEYS[resource]}

    def update(self, resource: str, match: dict[str, Any], **changes: Any) -> Item:
        item = self.find(resource, **match)
        item.version = self._bump()
        item.doc = self._stamp({**item.doc, **changes}, item.version)
        return item

    def delete(self, resource: str, **match: Any) -> Item:
        item = self.find(resource, **match)
        self.items[resource].remove(item)
        entry: dict[str, Any] = {"id": item.id, "changeVersion": self._bump()}
        if self.profile.deletes_with_keys:
            entry["keyValues"] = self.key_of(resource, item.doc)
        self.deleted.setdefault(resource, []).append(entry)
        return item

    def rekey(self, resource: str, match: dict[str, Any], **changes: Any) -> Item:
        """A PUT that changes the natural key (sessions, sections, associations)."""
        item = self.find(resource, **match)
        old = self.key_of(resource, item.doc)
        item.version = self._bump()
        item.doc = self._stamp({**item.doc, **changes}, item.version)
        self.rekeyed.setdefault(resource, []).append(
            {
                "id": item.id,
                "changeVersion": item.version,
                "oldKeyValues": old,
                "newKeyValues": self.key_of(resource, item.doc),
            }
        )
        return item

    # -- HTTP ------------------------------------------------------------------------------
    @property
    def segment(self) -> str:
        return f"{self.profile.year}/" if self.profile.year else ""

    def discovery(self) -> dict[str, Any]:
        b = self.base
        urls = {
            "dependencies": f"{b}/metadata/data/v3/dependencies",
            "openApiMetadata": f"{b}/metadata/",
            "oauth": f"{b}/oauth/token",
            "dataManagementApi": f"{b}/data/v3/",
            "xsdMetadata": f"{b}/metadata/xsd",
        }
        if self.profile.change_queries_url:
            urls |= {
                "changeQueries": f"{b}/changeQueries/v1/",
                "composites": f"{b}/composites/v1/",
                "identity": f"{b}/identity/v2/",
            }
        body: dict[str, Any] = {
            "version": self.profile.version,
            "informationalVersion": self.profile.version,
            "suite": "3",
            "build": f"{self.profile.version}.1199.0",
            "dataModels": [
                {
                    "name": "Ed-Fi",
                    "version": self.profile.data_model,
                    "informationalVersion": f"The Ed-Fi Data Model {self.profile.data_model}",
                }
            ],
            "urls": urls,
        }
        if self.profile.api_mode:
            body["apiMode"] = self.profile.api_mode
        return body

    def dependencies(self) -> list[dict[str, Any]]:
        orders = dict(ORDERS_7)
        if not self.profile.contacts:
            orders["parents"] = orders.pop("contacts")
            orders["studentParentAssociations"] = orders.pop("studentContactAssociations")
        rows = sorted(orders.items(), key=lambda kv: (kv[1], kv[0]))
        return [
            {"resource": f"/ed-fi/{name}", "order": order, "operations": ["Create", "Update"]}
            for name, order in rows
        ]

    def install(self, router: respx.Router) -> FakeOds:
        router.route(host=httpx.URL(self.base).host).mock(side_effect=self.handle)
        return self

    def fail(self, suffix: str, *responses: httpx.Response | Exception) -> None:
        """Serve ``responses`` (in turn) to requests whose path ends with ``suffix``."""
        self.faults.append((suffix, list(responses)))

    def problem(self, status: int, kind: str, title: str, detail: str) -> httpx.Response:
        if self.profile.problem_details:
            body: dict[str, Any] = {
                "detail": detail,
                "type": f"urn:ed-fi:api:{kind}",
                "title": title,
                "status": status,
                "correlationId": "4c8e2f0a-0d1b-4c55-9a0e-5f7d1d6f4e21",
            }
        else:
            body = {"message": detail}
        return httpx.Response(status, json=body)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        for hook in self.hooks:
            hook(request)
        path = request.url.path
        for suffix, queue in self.faults:
            if path.endswith(suffix) and queue:
                served = queue.pop(0)
                if isinstance(served, Exception):
                    raise served
                return served
        root = httpx.URL(self.base).path.rstrip("/")
        rest = path[len(root) :].strip("/")
        if request.method == "GET" and rest == "":
            return httpx.Response(200, json=self.discovery())
        if request.method == "POST" and rest == "oauth/token":
            return self._token(request)
        if rest == "metadata":
            return httpx.Response(
                200,
                json=[
                    {
                        "name": kind.capitalize(),
                        "endpointUri": f"{self.base}/metadata/data/v3/{kind}/swagger.json",
                        "prefix": "",
                    }
                    for kind in ("resources", "descriptors")
                ],
            )
        if rest == f"metadata/data/v3/{self.segment}dependencies":
            return httpx.Response(200, json=self.dependencies())
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if not auth.startswith("Bearer ") or token not in self.tokens or token in self.revoked:
            return self.problem(
                401, "security:authentication", "Authentication Failed", "Invalid token."
            )
        if rest == f"changeQueries/v1/{self.segment}availableChangeVersions":
            if self.profile.lower_case_versions:
                return httpx.Response(
                    200, json={"oldestChangeVersion": 0, "newestChangeVersion": self.newest}
                )
            return httpx.Response(200, json={"NewestChangeVersion": self.newest})
        prefix = f"data/v3/{self.segment}ed-fi/"
        if not rest.startswith(prefix):
            return self.problem(404, "not-found", "Not Found", f"{path} was not found.")
        return self._collection(request, rest[len(prefix) :])

    def _token(self, request: httpx.Request) -> httpx.Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return httpx.Response(401, json={"error": "invalid_client"})
        if b"grant_type=client_credentials" not in request.content:
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        token = f"{len(self.tokens) + 1:032x}"
        self.tokens.append(token)
        return httpx.Response(
            200, json={"access_token": token, "expires_in": 1800, "token_type": "bearer"}
        )

    def _collection(self, request: httpx.Request, rest: str) -> httpx.Response:
        resource, _, tail = rest.partition("/")
        if resource not in KEYS:
            return self.problem(404, "not-found", "Not Found", f"/ed-fi/{resource} does not exist.")
        params = dict(request.url.params)
        limit = int(params.pop("limit", "25"))
        offset = int(params.pop("offset", "0"))
        total = params.pop("totalCount", "false") == "true"
        if limit > 500:
            return self.problem(
                400,
                "bad-request:parameter-validation-failed",
                "Parameter Validation Failed",
                "Limit must be omitted or set to a numeric value between 0 and 500.",
            )
        low = int(params.pop("minChangeVersion", "0"))
        high = int(params.pop("maxChangeVersion", str(2**62)))
        rows: list[dict[str, Any]]
        if tail == "deletes":
            rows = [d for d in self.deleted.get(resource, []) if low <= d["changeVersion"] <= high]
        elif tail == "keyChanges":
            if not self.profile.key_changes:
                return self.problem(404, "not-found", "Not Found", f"{request.url.path}")
            rows = [d for d in self.rekeyed.get(resource, []) if low <= d["changeVersion"] <= high]
        else:
            rows = [
                i.doc
                for i in self.items.get(resource, [])
                if low <= i.version <= high and _matches(flat(i.doc), params)
            ]
        headers = {"Total-Count": str(len(rows))} if total else {}
        page = rows[offset : offset + limit]
        return httpx.Response(200, content=orjson.dumps(page), headers=headers)

    # -- what the consumer asked -----------------------------------------------------------
    def gets(self, contains: str = "") -> list[httpx.Request]:
        return [r for r in self.log if r.method == "GET" and contains in str(r.url)]


def _matches(values: dict[str, Any], match: dict[str, Any]) -> bool:
    return all(str(values.get(k)) == str(v) for k, v in match.items())
