"""Ed-Fi fixtures: authorised clients, descriptor loading and a few valid documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.auth.scopes import EDFI_READ, EDFI_WRITE
from interop_hub.core.db import session_scope
from interop_hub.edfi.seed import load_descriptors

DATA = "/edfi/data/v3/ed-fi"
GRADE = "uri://ed-fi.org/GradeLevelDescriptor#Ninth grade"
CATEGORY = "uri://ed-fi.org/EducationOrganizationCategoryDescriptor#School"

# Descriptor types the sample documents below use.
SAMPLE_DESCRIPTOR_TYPES = {
    "GradeLevelDescriptor",
    "EducationOrganizationCategoryDescriptor",
    "LocalEducationAgencyCategoryDescriptor",
    "SexDescriptor",
    "TermDescriptor",
}


@pytest.fixture
def edfi(client: TestClient, bearer: Callable[..., dict[str, str]]) -> TestClient:
    """A test client whose requests carry a token with the Ed-Fi read and write scopes."""
    client.headers.update(bearer(EDFI_READ, EDFI_WRITE))
    return client


@pytest.fixture
def descriptors(session_factory: sessionmaker[Session]) -> int:
    """Load the descriptor types the sample documents use; yields how many were stored."""
    with session_scope(session_factory) as session:
        count = load_descriptors(session, SAMPLE_DESCRIPTOR_TYPES)
    return count


def school(school_id: int = 255901001, **extra: Any) -> dict[str, Any]:
    return {
        "schoolId": school_id,
        "nameOfInstitution": "Grand Bend High School",
        "educationOrganizationCategories": [{"educationOrganizationCategoryDescriptor": CATEGORY}],
        "gradeLevels": [{"gradeLevelDescriptor": GRADE}],
        **extra,
    }


def student(unique_id: str = "604822", **extra: Any) -> dict[str, Any]:
    return {
        "studentUniqueId": unique_id,
        "firstName": "Lisa",
        "lastSurname": "Woods",
        "birthDate": "2010-05-14",
        **extra,
    }


def enrollment(
    unique_id: str = "604822", school_id: int = 255901001, entry: str = "2024-08-20", **extra: Any
) -> dict[str, Any]:
    return {
        "entryDate": entry,
        "entryGradeLevelDescriptor": GRADE,
        "schoolReference": {"schoolId": school_id},
        "studentReference": {"studentUniqueId": unique_id},
        **extra,
    }
