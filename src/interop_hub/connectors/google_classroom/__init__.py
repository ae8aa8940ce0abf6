"""Google Classroom (API v1): courses and their rosters as OneRoster.

Modelling decisions (the mapping is ``mappings/google-classroom/*.yaml``):

* Classroom has no organisations, terms or course catalog. The connector's config names
  one district and one school (every class belongs to that school) and one school year
  (an academic session of type ``schoolYear``, every class's term). A domain with several
  schools uses one connector instance per school's courses, or accepts one school.
* A Classroom course is a OneRoster **class** and also derives its own OneRoster
  **course** (same id, one to one: Classroom courses are not grouped by subject).
  ``section`` becomes the class code, ``room`` the location.
* Students and teachers become enrollments (``{courseId}:{userId}:{role}``); the course
  owner is the primary teacher. Each person becomes one user (de-duplicated across
  courses in ``roster.People``) with a ``student`` and/or ``teacher`` role at the school.
* Authentication: a service account with domain-wide delegation, through the JWT-bearer
  grant (``jwt_auth.ServiceAccountAuth``), or a pre-obtained access token.
* Incremental sync is not supported (the list endpoints have no updated-since filter);
  Classroom's push notifications (Pub/Sub registrations) are out of scope.
"""

from interop_hub.connectors.google_classroom.config import GoogleClassroomConfig
from interop_hub.connectors.google_classroom.connector import GoogleClassroomConnector

__all__ = ["GoogleClassroomConfig", "GoogleClassroomConnector"]
