"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``) to and from other tools.

NVivo, ATLAS.ti, MAXQDA and QualCoder read and write the REFI-QDA standard
(QDA-XML 1.0). Everything written here is validated against the official
schemas shipped in ``coding/refi/schemas``; everything read is treated as
hostile (no DOCTYPE, bounded unzipping in memory, every reference checked).
docs/refi-qda.md maps Heard's model onto the standard.

Examples
--------
>>> from coding.model import Code, Codebook
>>> codebook = Codebook(codes=(Code(guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520", name="Fear"),))
>>> read_qdc(write_qdc(codebook)).codes[0].name
'Fear'
"""

from coding.refi._project_read import QdpxImport
from coding.refi.qdc import read_qdc, write_qdc
from coding.refi.qdpx import read_qdpx, read_qdpx_report, write_qdpx
from coding.refi.safe_xml import validate_codebook_xml, validate_project_xml
from coding.refi.safe_zip import (
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    ZipLimits,
)

__all__ = [
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "QdpxImport",
    "ZipLimits",
    "read_qdc",
    "read_qdpx",
    "read_qdpx_report",
    "validate_codebook_xml",
    "validate_project_xml",
    "write_qdc",
    "write_qdpx",
]
