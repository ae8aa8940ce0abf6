"""SQLAlchemy tables, one module per table family. Importing this registers them all."""

from interop_hub.models.academic_sessions import AcademicSession
from interop_hub.models.classes import Class, ClassTerm
from interop_hub.models.clients import ApiClient
from interop_hub.models.connectors import ConnectorBookmark, ConnectorInstance, SyncRunFile
from interop_hub.models.courses import Course
from interop_hub.models.crosswalk import Crosswalk
from interop_hub.models.demographics import Demographics
from interop_hub.models.disclosures import Disclosure
from interop_hub.models.edfi import EdfiDocument, EdfiReference, EdfiTombstone
from interop_hub.models.edorgs import (
    ApiClientEdorg,
    EdfiDeletedDocumentEdorg,
    EdfiDocumentEdorg,
    EdfiEdorgParent,
)
from interop_hub.models.enrollments import Enrollment
from interop_hub.models.hub_state import HubState
from interop_hub.models.orgs import Org
from interop_hub.models.rate_limits import RateLimitWindow
from interop_hub.models.sync_runs import ACTIVE_STATES, SyncRun
from interop_hub.models.users import User, UserAgent, UserProfile, UserRole
from interop_hub.models.whole_child import AssessmentResult, AttendanceEvent, GradeRecord

__all__ = [
    "ACTIVE_STATES",
    "AcademicSession",
    "ApiClient",
    "ApiClientEdorg",
    "AssessmentResult",
    "AttendanceEvent",
    "Class",
    "ClassTerm",
    "ConnectorBookmark",
    "ConnectorInstance",
    "Course",
    "Crosswalk",
    "Demographics",
    "Disclosure",
    "EdfiDeletedDocumentEdorg",
    "EdfiDocument",
    "EdfiDocumentEdorg",
    "EdfiEdorgParent",
    "EdfiReference",
    "EdfiTombstone",
    "Enrollment",
    "GradeRecord",
    "HubState",
    "Org",
    "RateLimitWindow",
    "SyncRun",
    "SyncRunFile",
    "User",
    "UserAgent",
    "UserProfile",
    "UserRole",
]
