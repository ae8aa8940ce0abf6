"""PowerSchool SIS (REST ``/ws/v1``, plugin OAuth) as OneRoster 1.2 (kind ``powerschool``).

Modelling decisions (the mapping is ``mappings/powerschool/*.yaml``; the records it reads
are enriched by ``connector.PowerSchoolConnector`` with ``_``-prefixed fields):

* **Ids** are PowerSchool's own DCIDs, so they survive re-syncs and re-installs of the
  plugin: schools, terms, courses and sections by their ``id`` (SCHOOLS.DCID, TERMS.DCID,
  COURSES.DCID, SECTIONS.DCID), student enrollments by theirs (CC.DCID). Users are
  ``student:<STUDENTS.DCID>`` and ``staff:<USERS.DCID>`` (a staff record's
  ``users_dcid``; its own ``id`` where PowerSchool does not send one): students and staff
  are numbered separately, so bare numbers could collide. The district is its ``uuid``
  (or ``district_id`` from the config).
* **Orgs**: the district and its schools (``/ws/v1/district/school``, optionally only
  ``school_ids``). A school's identifier is its state id, else its school number.
* **Academic sessions** are the schools' terms: portion 1 is the ``schoolYear``, portion 2
  a ``semester``, other portions (quarters, trimesters) ``term``s; every other term's
  parent is its school's year term of the same start year; ``schoolYear`` is the year
  the school year ends (``start_year + 1``).
* **Courses** come from ``/ws/v1/school/{id}/course`` (district-wide in PowerSchool, so
  their org is the district); a section naming a course or term its school does not list
  gets it by id (``/ws/v1/course/{id}``, ``/ws/v1/term/{id}``).
* **Classes** are sections, titled "<course name> - <section number>", coded
  "<course number>.<section number>" as PowerSchool displays them; periods come from the
  section's expression. The section's lead teacher (``staff_id``) is the class's
  ``primary`` teacher enrollment; co-teachers are not in ``/ws/v1/section`` and are not
  synced.
* **Users and roles**: students of the configured enrollment statuses (default: active)
  with their grade (PowerSchool grade levels -2, -1, 0 become PR, PK, KG) and a
  ``student`` role at their school. Staff are rostered with a role per school that lists
  them: ``teacher`` for a PowerTeacher login or a teacher/substitute affiliation,
  ``siteAdministrator`` for an admin-only login; staff with neither (and not teaching a
  synced section) are not rostered, nor are staff inactive at every school. The highest
  role (teacher first, then the lowest school id) is ``primary``.
* **Enrollments**: section enrollments (``/ws/v1/section/{id}/section_enrollment``) of
  rostered students; dropped ones are left out (a full run then removes them), with
  their entry and exit dates.
* **Demographics** (``include_demographics``): birth date, sex (M/F/X), federal
  ethnicity and races (``race_codes``) from the ``demographics`` and ``ethnicity_race``
  expansions. The SSN PowerSchool may put in the demographics expansion is never read.
* **Incremental runs** re-read everything and stage a delta (see ``config``): no
  ``/ws/v1`` resource has a usable last-modified filter.
"""

from interop_hub.connectors.powerschool.config import PowerSchoolConfig
from interop_hub.connectors.powerschool.connector import PowerSchoolConnector

__all__ = ["PowerSchoolConfig", "PowerSchoolConnector"]
