"""Ed-Fi descriptor values → OneRoster vocabulary, from the Ed-Fi Alliance's
descriptor mappings (edfi-oneroster ``seedData/descriptorMappings.jsonl``) and CEDS grade
codes. Maps are keyed by ``codeValue``; an unmapped value maps to ``None``."""

from __future__ import annotations

from typing import Final

__all__ = [
    "GRADE",
    "RACE",
    "SEX",
    "STAFF_ROLE",
    "TERM_TYPE",
    "code_value",
    "is_teacher_of_record",
]

TERM_TYPE: Final = {
    "Semester": "semester",
    "Fall Semester": "semester",
    "Spring Semester": "semester",
    "Summer Semester": "semester",
    "Year Round": "schoolYear",
}
"""Every other term descriptor (quarters, trimesters, MiniTerm, Other) is a ``term``."""

SEX: Final = {
    "Female": "female",
    "Male": "male",
    "Non-binary": "other",
    "Not Selected": "unspecified",
}

RACE: Final = {
    "American Indian or Alaska Native": "american_indian_or_alaska_native",
    "Asian": "asian",
    "Black or African American": "black_or_african_american",
    "Native Hawaiian or Pacific Islander": "native_hawaiian_or_other_pacific_islander",
    "White": "white",
}
"""Ed-Fi race → the demographics column it sets."""

STAFF_ROLE: Final = {
    "Assistant Principal": "principal",
    "Principal": "principal",
    "Assistant Superintendent": "districtAdministrator",
    "Superintendent": "districtAdministrator",
    "LEA Administrator": "districtAdministrator",
    "LEA Administrative Support Staff": "districtAdministrator",
    "LEA System Administrator": "districtAdministrator",
    "State Administrator": "districtAdministrator",
    "School Administrator": "siteAdministrator",
    "School Administrative Support Staff": "siteAdministrator",
    "School Leader": "siteAdministrator",
    "Counselor": "counselor",
    "School Counselor": "counselor",
    "Elementary School Counselor": "counselor",
    "Secondary School Counselor": "counselor",
    "Instructional Aide": "aide",
    "Paraprofessional/Instructional Aide": "aide",
    "Teacher": "teacher",
    "Elementary Teacher": "teacher",
    "Secondary Teacher": "teacher",
    "Kindergarten Teacher": "teacher",
    "Pre-Kindergarten Teacher": "teacher",
    "Ungraded Teacher": "teacher",
    "Substitute Teacher": "teacher",
    "Instructional Coordinator": "teacher",
}

GRADE: Final = {
    "Infant/toddler": "IT",
    "Preschool": "PR",
    "Prekindergarten": "PK",
    "Preschool/Prekindergarten": "PK",
    "Transitional Kindergarten": "TK",
    "Kindergarten": "KG",
    "First grade": "01",
    "Second grade": "02",
    "Third grade": "03",
    "Fourth grade": "04",
    "Fifth grade": "05",
    "Sixth grade": "06",
    "Seventh grade": "07",
    "Eighth grade": "08",
    "Ninth grade": "09",
    "Tenth grade": "10",
    "Eleventh grade": "11",
    "Twelfth grade": "12",
    "Grade 13": "13",
    "Postsecondary": "PS",
    "Ungraded": "UG",
    "Other": "Other",
}


def code_value(uri: str | None) -> str | None:
    """``uri://ed-fi.org/SexDescriptor#Female`` → ``Female``."""
    if not uri or "#" not in uri:
        return None
    return uri.rsplit("#", 1)[1]


def is_teacher_of_record(uri: str | None) -> bool:
    return code_value(uri) == "Teacher of Record"
