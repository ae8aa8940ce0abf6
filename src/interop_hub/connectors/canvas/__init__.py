"""Canvas LMS (REST API v1): accounts, terms, courses, enrollments and users as OneRoster.

Modelling decisions (the mapping is ``mappings/canvas/*.yaml``; the records it reads are
enriched by ``connector.CanvasConnector`` with ``_``-prefixed fields):

* **Orgs**: the configured account (normally the root account) is the ``district``; every
  sub-account below it (``sub_accounts?recursive=true``) is a ``school`` whose parent is
  its parent account. Canvas has no org type, so an intermediate grouping account
  ("High Schools") is a school too.
* **Classes are Canvas courses**; sections are not read. A Canvas course is the offering
  teachers and students work in; its sections only group enrollments inside it (and
  cross-listing moves sections between courses), which is how LMS rostering commonly
  maps Canvas. Enrollments come from ``/courses/{id}/enrollments``, which lists the
  enrollments of every section of the course.
* **Courses** (the catalog) do not exist in Canvas; one is derived per
  ``(account, course_code)``: every offering of "ALG1" in a school shares one course,
  titled and coded by ``course_code`` (``records.catalog_key``).
* **Terms** become ``term`` academic sessions. Dates are converted to the root account's
  time zone (Canvas returns UTC instants); ``schoolYear`` is the year in which the school
  year (1 July - 30 June) of the start date ends. Canvas's "Default Term" has no dates:
  it gets the school year ``undated_term_school_year`` (config; default: the current one).
* **Roles** (OneRoster 1.2 ``roles.csv``) derive from enrollments: a user holds a role at
  the school (account) of every course they are enrolled in (student, teacher; a TA is an
  ``aide``); the highest role (teacher > aide > student, then the lowest org id) is
  ``primary``. Users without a kept enrollment (admins, observers, Canvas's "Test
  Student", users of concluded courses only) are not rostered.
* Enrollment types: Student → ``student``; Teacher → ``teacher`` (primary); TA →
  ``teacher`` (not primary). Observer, Designer and StudentView enrollments are not
  class rosters and are skipped. States ``active``, ``invited`` and ``completed`` are
  kept; ``inactive``, ``deleted`` and the rest are absent, so a full sync tombstones them.
* **Incremental**: not supported. None of these endpoints documents an updated-since
  filter, so every run is a full sync (absence becomes a tombstone, held by the safety
  gate when large).
* **Throttling**: Canvas answers a throttled request with ``403 Forbidden (Rate Limit
  Exceeded)``, not 429; ``throttle.CanvasThrottle`` turns that into a retry and slows down
  when ``X-Rate-Limit-Remaining`` runs low.
"""

from interop_hub.connectors.canvas.config import CanvasConfig
from interop_hub.connectors.canvas.connector import CanvasConnector

__all__ = ["CanvasConfig", "CanvasConnector"]
