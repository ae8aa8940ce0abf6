"""SQLAlchemy tables, one module per table family. Importing this registers them all."""

from interop_hub.models.academic_sessions import AcademicSession
from interop_hub.models.classes import Class, ClassTerm
from interop_hub.models.clients import ApiClient
from interop_hub.models.courses import Course
from interop_hub.models.crosswalk import Crosswalk
from interop_hub.models.demographics import Demographics
from interop_hub.models.disclosures import Disclosure
from interop_hub.models.edfi import EdfiDocument, EdfiReference, EdfiTombstone
from interop_hub.models.enrollments import Enrollment
from interop_hub.models.hub_state import HubState
from interop_hub.models.orgs import Org
from interop_hub.models.rate_limits import RateLimitWindow
from interop_hub.models.sync_runs import SyncRun
from interop_hub.models.users import User, UserAgent, UserProfile, UserRole

__all__ = [
    "AcademicSession",
    "ApiClient",
    "Class",
    "ClassTerm",
    "Course",
    "Crosswalk",
    "Demographics",
    "Disclosure",
    "EdfiDocument",
    "EdfiReference",
    "EdfiTombstone",
    "Enrollment",
    "HubState",
    "Org",
    "RateLimitWindow",
    "SyncRun",
    "User",
    "UserAgent",
    "UserProfile",
    "UserRole",
]
