"""OneRoster ``imsx_StatusInfo`` payloads (the spec shape, ``imsx_CodeMinor`` capital C)."""

from __future__ import annotations

from typing import Any

__all__ = ["status_payload"]


def status_payload(
    description: str,
    code_minor: str,
    *,
    code_major: str = "failure",
    severity: str = "error",
) -> dict[str, Any]:
    return {
        "imsx_codeMajor": code_major,
        "imsx_severity": severity,
        "imsx_description": description,
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": code_minor,
                }
            ]
        },
    }
