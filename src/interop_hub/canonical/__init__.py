"""Pure pydantic canonical model (imports neither FastAPI nor SQLAlchemy)."""

from interop_hub.canonical.entities import (
    AcademicSession,
    Class,
    Course,
    Demographics,
    Enrollment,
    Entity,
    GuardianRelationship,
    Org,
    Person,
    PersonRole,
    UserId,
    UserProfile,
)

__all__ = [
    "AcademicSession",
    "Class",
    "Course",
    "Demographics",
    "Enrollment",
    "Entity",
    "GuardianRelationship",
    "Org",
    "Person",
    "PersonRole",
    "UserId",
    "UserProfile",
]
