"""Reading vendor exports: finding files, encodings, and precise errors for bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interop_hub.connectors.assessments import NweaMapConnector
from interop_hub.connectors.assessments.values import iso_date
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.connectors.sdk.registry import connector_class
from interop_hub.core.errors import SourceDataError, SourceUnavailable
from tests.connectors.assessments.samples import (
    NWEA_HEADER,
    csv_text,
    nwea_row,
    write_csv,
    write_zip,
)


def nwea(path: Path, **config: Any) -> NweaMapConnector:
    return NweaMapConnector(NweaMapConnector.config_model(path=str(path), **config))


def records(connector: NweaMapConnector) -> list[dict[str, Any]]:
    return [record for _, record in connector.extract(ExtractContext())]


def two_rows() -> list[dict[str, str]]:
    return [
        nwea_row(StudentID="100001", TestID="720794822", TestStartDate="10/12/2024",
                 TestRITScore="230"),
        nwea_row(StudentID="100002", TestID="720271524", TestStartDate="10/14/2024",
                 TestRITScore="215"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "module"),
    [
        ("nwea-map", "interop_hub.connectors.assessments.nwea"),
        ("renaissance-star", "interop_hub.connectors.assessments.star"),
        ("iready", "interop_hub.connectors.assessments.iready"),
    ],
)
def test_connectors_are_registered_file_connectors(kind: str, module: str) -> None:
    cls = connector_class(kind)
    assert cls.kind == kind
    assert cls.__module__ == module
    assert cls.supports_incremental is False
    schema = cls.config_model.model_json_schema()
    assert schema["required"] == ["path"]
    assert set(schema["properties"]["student_id"]["enum"]) == {"local", "state", "sourcedId"}


def test_a_cdf_zip_yields_only_assessment_results_rows_in_order(tmp_path: Path) -> None:
    cdf = write_zip(
        tmp_path / "drop" / "CDF_2024_fall.zip",
        {
            "AssessmentResults.csv": csv_text(NWEA_HEADER, two_rows()),
            "StudentsBySchool.csv": "TermName,DistrictName,StudentID\r\nFall,AG,100001\r\n",
            "ClassAssignments.csv": "TermName,StudentID,TeacherName\r\nFall,100001,Ng\r\n",
        },
    )
    found = records(nwea(cdf.parent))
    assert [(r["_file"], r["_line"], r["TestID"]) for r in found] == [
        ("CDF_2024_fall.zip!AssessmentResults.csv", 2, "720794822"),
        ("CDF_2024_fall.zip!AssessmentResults.csv", 3, "720271524"),
    ]
    assert found[0]["_date"] == "2024-10-12"


def test_a_folder_reads_every_matching_file_and_ignores_others(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    rows = two_rows()
    write_csv(drop / "AssessmentResults_2024-10-01.csv", NWEA_HEADER, rows[:1])
    write_csv(drop / "winter" / "AssessmentResults.csv", NWEA_HEADER, rows[1:])
    write_csv(drop / "StudentsBySchool.csv", ("StudentID",), [{"StudentID": "1"}])
    (drop / "readme.txt").write_text("exports land here")
    found = records(nwea(drop))
    assert [(r["_file"], r["StudentID"]) for r in found] == [
        ("AssessmentResults_2024-10-01.csv", "100001"),
        ("winter/AssessmentResults.csv", "100002"),
    ]


def test_utf8_bom_and_windows_1252_exports_read_the_same_names(tmp_path: Path) -> None:
    row = nwea_row(StudentID="100001", TestID="1", TestStartDate="10/12/2024",
                   TestRITScore="230", SchoolName="Escuela José Martí")  # fmt: skip
    text = csv_text(NWEA_HEADER, [row])
    bom = tmp_path / "bom" / "AssessmentResults.csv"
    bom.parent.mkdir()
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ansi = tmp_path / "ansi" / "AssessmentResults.csv"
    ansi.parent.mkdir()
    ansi.write_bytes(text.encode("cp1252"))
    for path in (bom, ansi):
        (record,) = records(nwea(path))
        assert record["TermName"] == "Fall 2024-2025"  # the BOM is not part of the name
        assert record["SchoolName"] == "Escuela José Martí"


def test_headers_match_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    header = [" studentid ", *(h for h in NWEA_HEADER if h != "StudentID")]
    row = nwea_row(StudentID="100001", TestID="1", TestStartDate="10/12/2024",
                   TestRITScore="230")  # fmt: skip
    text = csv_text(NWEA_HEADER, [row]).splitlines()
    cells = text[1].split(",")
    index = NWEA_HEADER.index("StudentID")
    moved = [cells[index], *(c for i, c in enumerate(cells) if i != index)]
    path = tmp_path / "AssessmentResults.csv"
    path.write_text(",".join(header) + "\r\n" + ",".join(moved) + "\r\n")
    (record,) = records(nwea(path))
    assert record["StudentID"] == "100001"
    assert record["_student"] == {"local": "100001"}


def test_missing_required_column_names_file_line_and_column(tmp_path: Path) -> None:
    header = [h for h in NWEA_HEADER if h != "TestRITScore"]
    path = write_csv(tmp_path / "AssessmentResults.csv", header, [])
    with pytest.raises(SourceDataError) as err:
        records(nwea(path))
    message = err.value.message
    assert message.startswith("AssessmentResults.csv, line 1, column TestRITScore: ")
    assert "required column missing" in message
    assert "NWEA MAP Growth AssessmentResults" in message


def test_a_roster_file_given_as_results_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "AssessmentResults.csv",
        ("TermName", "DistrictName", "StudentID", "StudentLastName"),
        [{"TermName": "Fall", "StudentID": "1"}],
    )
    with pytest.raises(SourceDataError, match=r"line 1, column Subject or MeasurementScale"):
        records(nwea(path))


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "AssessmentResults.csv"
    path.write_bytes(content)
    with pytest.raises(SourceDataError, match=r"^AssessmentResults.csv, line 1: the file is empty"):
        records(nwea(path))


def test_a_truncated_row_fails_the_whole_file_with_its_line(tmp_path: Path) -> None:
    text = csv_text(NWEA_HEADER, two_rows())
    cut = text[: text.rindex("\r\n", 0, len(text) - 2) + 2] + "Fall 2024-2025,Apple Grove\r\n"
    path = tmp_path / "AssessmentResults.csv"
    path.write_text(cut)
    connector = nwea(path)
    produced: list[dict[str, Any]] = []

    def drain() -> None:
        for _, record in connector.extract(ExtractContext()):
            produced.append(record)

    with pytest.raises(SourceDataError) as err:
        drain()
    assert err.value.message == (
        f"AssessmentResults.csv, line 3: the row has 2 cells but the header has "
        f"{len(NWEA_HEADER)} (a truncated or malformed export)"
    )
    assert len(produced) == 1  # the engine discards a failed extraction as a whole


def test_a_binary_file_is_an_unreadable_export(tmp_path: Path) -> None:
    path = tmp_path / "AssessmentResults.csv"
    path.write_bytes(b"TermName,StudentID\r\n\x81\x8d\x8f\x90\x9d\xff\r\n")
    with pytest.raises(SourceDataError, match="is not text in UTF-8 or Windows-1252"):
        records(nwea(path))


def test_a_nul_character_is_refused_at_its_cell(tmp_path: Path) -> None:
    text = csv_text(NWEA_HEADER, two_rows()).replace("720271524", "72027\x001524")
    path = tmp_path / "AssessmentResults.csv"
    path.write_text(text)
    with pytest.raises(SourceDataError) as err:
        records(nwea(path))
    assert err.value.message == (
        "AssessmentResults.csv, line 3, column TestID: a NUL character (a corrupt export)"
    )


def test_an_unreadable_date_names_its_cell(tmp_path: Path) -> None:
    rows = two_rows()
    rows[1]["TestStartDate"] = "14.10.2024"
    path = write_csv(tmp_path / "AssessmentResults.csv", NWEA_HEADER, rows)
    with pytest.raises(SourceDataError) as err:
        records(nwea(path))
    assert err.value.message == (
        "AssessmentResults.csv, line 3, column TestStartDate: '14.10.2024' is not a date "
        "(MM/DD/YYYY or ISO)"
    )


def test_a_corrupt_zip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "CDF.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceDataError, match=r"^CDF.zip: not a readable ZIP file"):
        records(nwea(path))


def test_a_missing_path_and_an_empty_drop_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="does not exist"):
        records(nwea(tmp_path / "nowhere"))
    (tmp_path / "drop").mkdir()
    with pytest.raises(SourceDataError, match=r"no NWEA MAP Growth AssessmentResults export"):
        records(nwea(tmp_path / "drop"))


def test_check_reports_each_file_and_whether_its_header_is_valid(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    write_csv(drop / "AssessmentResults_fall.csv", NWEA_HEADER, two_rows())
    write_csv(drop / "AssessmentResults_winter.csv", ("TermName", "StudentID"), [])
    checks = nwea(drop).check()
    assert [(c.target, c.ok) for c in checks] == [
        ("AssessmentResults_fall.csv", True),
        ("AssessmentResults_winter.csv", False),
    ]
    assert (
        checks[0].detail == f"NWEA MAP Growth AssessmentResults header ({len(NWEA_HEADER)} columns)"
    )
    assert "column Subject or MeasurementScale: required column missing" in checks[1].detail
    (missing,) = nwea(tmp_path / "nowhere").check()
    assert (missing.target, missing.ok) == ("path", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/12/2024", "2024-10-12"),
        ("1/5/2025", "2025-01-05"),
        ("01/28/2019 11:16:56", "2019-01-28"),
        ("9/3/24", "2024-09-03"),
        ("2024-09-03", "2024-09-03"),
        ("2024-09-03T14:02:11.123Z", "2024-09-03"),
        ("", ""),
        ("13/01/2024", None),
        ("2024-02-30", None),
        ("yesterday", None),
    ],
)
def test_vendor_dates(text: str, expected: str | None) -> None:
    assert iso_date(text) == expected
