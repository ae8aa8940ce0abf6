"""Deterministic synthetic K-12 district generator writing OneRoster 1.2 CSV packages.

Pure Python (no FastAPI, no SQLAlchemy). Used by ``interop-hub demo`` (a small district on
first run), by tests, and by benchmarks (10k-1M students)::

    from interop_hub.generator import generate_district
    summary = generate_district(Path("out"), students=2_000, seed=7)
    summary.rows["enrollments"]

Modules: :mod:`.district` (school plan), :mod:`.sessions` (calendar), :mod:`.catalog`
(courses), :mod:`.people` and :mod:`.households` (persons, demographics, families),
:mod:`.schedule` (sections, teachers), :mod:`.writer` (CSV, manifest, zip), :mod:`.build`
(orchestration). Each module's docstring states the distributions and assumptions it uses.
"""

from __future__ import annotations

from interop_hub.generator.build import GenerationSummary, generate_district
from interop_hub.generator.district import DistrictPlan, plan_district
from interop_hub.generator.writer import HEADERS, MANIFEST_FILES

__all__ = [
    "HEADERS",
    "MANIFEST_FILES",
    "DistrictPlan",
    "GenerationSummary",
    "generate_district",
    "plan_district",
]
