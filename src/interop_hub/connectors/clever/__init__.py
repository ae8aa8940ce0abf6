"""Clever (Data API v3.0, Secure Sync) as a OneRoster 1.2 source.

Modelling decisions (the mapping is ``mappings/clever/*.yaml``; the records it reads are
enriched by ``shape.Shaper`` with ``_``-prefixed fields):

* **Orgs**: the token's district (``/districts``) is the ``district``; its schools are
  ``school`` orgs under it.
* **Terms** become ``term`` sessions; ``schoolYear`` is the year in which the school year
  (1 July - 30 June) of the start date ends. Clever sections need not have a term; those
  get a stand-in ``schoolYear`` session ``undated:<district>`` (OneRoster classes need
  one), spanning ``undated_term_school_year``.
* **Courses** are Clever's district course catalog. A section without a course gets a
  stand-in course ``section:<id>`` at its school (OneRoster classes need a course).
* **Classes are Clever sections**; ``homeroom/advisory`` sections are homerooms.
* **Users** are read per role (``/users?role=...``) and emitted once each with all the
  roles their v3.0 ``roles`` object holds: one ``roles.csv`` row per role and org
  (students and teachers at their schools, staff at theirs as ``staff_role``, district
  admins as ``districtAdministrator`` and contacts as parent/relative/guardian at the
  district). Contacts are synced only with ``include_contacts``; their students become
  their ``agentSourcedIds`` and they become their students'.
* **Enrollments** come from the sections' rosters: ``students[]`` and ``teachers[]``
  (the section's ``teacher`` is the primary one).
* **Demographics**: a student's ``dob``, ``gender``, ``race`` and ``hispanic_ethnicity``
  (unless ``include_demographics`` is off).
* **Incremental** runs read Clever's events after the bookmark (the last event id) and
  stage a delta; ``deleted`` events become ``tobedeleted`` rows, never hard deletes. See
  ``connector`` for the bookmark's life cycle.
* **Rate limits**: 1,200 requests a minute per token; see ``throttle``.
"""

from interop_hub.connectors.clever.config import CleverConfig
from interop_hub.connectors.clever.connector import CleverConnector

__all__ = ["CleverConfig", "CleverConnector"]
