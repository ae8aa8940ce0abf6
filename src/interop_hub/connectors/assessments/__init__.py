"""Assessment vendors' result exports: NWEA MAP Growth, Renaissance Star, i-Ready.

File connectors (``files`` finds and streams the exports, ``base`` is the shared
connector, one module per vendor with its layout and quirks). Each yields one raw
record per result row on the stream ``results``; ``mappings/<kind>/results.yaml`` maps
it to the hub's ``assessmentResults`` target, and ``sync.assessments`` joins the staged
rows to persons and applies them.

Pure: imports neither FastAPI nor SQLAlchemy.
"""

from interop_hub.connectors.assessments.base import AssessmentFileConfig, AssessmentFileConnector
from interop_hub.connectors.assessments.iready import IReadyConnector
from interop_hub.connectors.assessments.nwea import NweaMapConnector
from interop_hub.connectors.assessments.star import StarConnector

__all__ = [
    "AssessmentFileConfig",
    "AssessmentFileConnector",
    "IReadyConnector",
    "NweaMapConnector",
    "StarConnector",
]
