"""``peelkg`` as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

Run = Callable[..., CompletedProcess[str]]
CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
NORFOLK_2016 = ("--param", "force=norfolk", "--param", "year=2016")


def rows(result: CompletedProcess[str]) -> list[dict[str, str]]:
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_build_then_validate_exits_zero(peelkg: Run, tmp_path: Path) -> None:
    built = peelkg("build", "--out", str(tmp_path), "--quiet")
    assert built.returncode == 0, built.stderr
    assert "published release" in built.stdout
    validated = peelkg("validate", str(tmp_path))
    assert validated.returncode == 0, validated.stderr
    assert "Conforms: True" in validated.stdout


def test_judgements_of_norfolk_2016_from_text_and_reference(peelkg: Run, data_dir: Path) -> None:
    result = rows(peelkg("query", "judgements", *NORFOLK_2016, "--data", str(data_dir), "--format", "csv"))
    assert list(rows(peelkg("query", "judgements", "--data", str(data_dir)))[0]) == [
        "force",
        "year",
        "pillar",
        "question",
        "grade",
        "source",
    ]
    effectiveness = [r for r in result if r["pillar"] == "Effectiveness"]
    by_question = {r["question"]: r for r in effectiveness}
    preventing = by_question[
        "How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?"
    ]
    assert preventing["grade"] == "Outstanding"
    assert (
        preventing["source"]
        == "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/norfolk/effectiveness/"
    )
    overall = by_question["How effective is the force at keeping people safe and reducing crime?"]
    assert overall["grade"] == "Good"  # from the reference data
    assert overall["source"].startswith("https://hmicfrs.justiceinspectorates.gov.uk/")
    assert {r["grade"] for r in effectiveness} == {"Outstanding", "Good"}
    assert len(effectiveness) == 4  # overall + three graded questions; the last two state no grade
    assert all(r["source"].startswith("http") for r in result)
    assert {r["year"] for r in result} == {"2016"}


def test_areas_for_improvement_of_norfolk_2016(peelkg: Run, data_dir: Path) -> None:
    result = rows(peelkg("query", "areas-for-improvement", *NORFOLK_2016, "--data", str(data_dir)))
    assert list(result[0]) == ["force", "year", "pillar", "question", "text", "themes"]
    assert len(result) == 8
    assert all(r["themes"] for r in result)
    domestic = [r for r in result if "domestic abuse" in r["text"].lower()]
    assert len(domestic) == 2
    assert all("Domestic abuse" in r["themes"] for r in domestic)
    assert "backlog of crimes awaiting closure" in result[0]["text"]


def test_theme_parameter_includes_narrower_themes(peelkg: Run, data_dir: Path) -> None:
    result = rows(peelkg("query", "areas-for-improvement", "--param", "theme=domestic-abuse", "--data", str(data_dir)))
    assert len(result) == 2
    assert any("Clare" in r["text"] for r in result)


def test_partners_forces_and_themes(peelkg: Run, data_dir: Path) -> None:
    partners = rows(peelkg("query", "partners", "--param", "force=norfolk", "--data", str(data_dir)))
    assert list(partners[0]) == ["force", "partner", "mentions"]
    assert "Suffolk Constabulary" in {r["partner"] for r in partners}
    assert all(int(r["mentions"]) >= 1 for r in partners)
    forces = rows(peelkg("query", "forces", "--data", str(data_dir)))
    assert len(forces) == 43
    assert all(r["onsCode"][:3] in ("E23", "W15") for r in forces)
    themes = rows(peelkg("query", "themes", "--data", str(data_dir)))
    assert len(themes) >= 30
    assert list(themes[0]) == ["theme", "label", "broader", "findings"]


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_query_formats(peelkg: Run, data_dir: Path, fmt: str) -> None:
    result = peelkg("query", "forces", "--data", str(data_dir), "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert len(json.loads(result.stdout)["results"]["bindings"]) == 43
    else:
        assert "norfolk" in result.stdout


def test_sparql_text_and_construct(peelkg: Run, data_dir: Path) -> None:
    ask = peelkg(
        "query", "ASK { <https://w3id.org/peelkg/id/force/norfolk> ?p ?o }", "--data", str(data_dir), "--format", "json"
    )
    assert json.loads(ask.stdout)["boolean"] is True
    construct = peelkg("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "--data", str(data_dir))
    assert construct.returncode == 0 and "@prefix" in construct.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "judgements", "--param", "force=<x>"], "parameter force"),
        (["query", "judgements", "--param", "colour=red"], "unknown parameter(s) colour"),
        (["query", "no-such-query"], "no canned query named"),
        (["query", "SELECT ?x WHERE {"], "SPARQL syntax error"),
    ],
)
def test_bad_queries_are_named_without_traceback(peelkg: Run, data_dir: Path, args: list[str], message: str) -> None:
    result = peelkg(*args, "--data", str(data_dir))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def _current(out: Path) -> tuple[str, bytes]:
    target = (out / "current").resolve()
    return target.name, (target / "manifest.json").read_bytes()


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("", ":1:", "empty"),
        ("Nothing here but prose.\nMore prose.\n", ":1:", "title"),
        ("Norfolk PEEL 2016\nEffectiveness\nJust a paragraph.\n", ":1:", "question"),
        # Over the size limit of kg.parse.limits: refused before parsing, naming the file (no line).
        ((CORPUS / "norfolk-2016-effectiveness.txt").read_text(encoding="utf-8") + "\n" * 10_000, ": ",
         "lines: a report may have at most 10,000 lines"),
        ("Norfolk PEEL 2016\nEffectiveness\n" + "x" * (3 * 2**20), ": ", "bytes: a report may be at most 3 mib"),
    ],
)
def test_broken_report_fails_and_leaves_the_release_untouched(
    peelkg: Run, tmp_path: Path, content: str, line: str, message: str
) -> None:
    out = tmp_path / "data"
    assert peelkg("build", "--out", str(out), "--quiet").returncode == 0
    before = _current(out)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(CORPUS / "reports.csv", inputs / "reports.csv")
    broken = inputs / "norfolk-2016-effectiveness.txt"
    broken.write_text(content, encoding="utf-8")
    result = peelkg("build", str(inputs), "--out", str(out), "--quiet")
    assert result.returncode != 0
    assert str(broken) + line in result.stderr
    assert message in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert _current(out) == before
    assert not [p for p in (out / "releases").iterdir() if p.name.startswith(".building")]


def test_missing_input_is_named(peelkg: Run, tmp_path: Path) -> None:
    result = peelkg("build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode != 0
    assert "nope.txt: no such file or folder" in result.stderr


def test_parse_prints_the_design_json(peelkg: Run) -> None:
    result = peelkg("parse", str(CORPUS / "norfolk-2016-effectiveness.txt"))
    parsed = json.loads(result.stdout)
    assert set(parsed) == {
        "force",
        "force_name",
        "year",
        "pillar",
        "last_updated",
        "overall_grade",
        "questions",
        "warnings",
    }
    assert [q["grade"] for q in parsed["questions"]] == [None, "Outstanding", "Good", "Good", None, None]
    assert [len(q["areas_for_improvement"]) for q in parsed["questions"]] == [0, 0, 2, 3, 2, 1]


def test_bad_reference_row_is_named_by_file_and_line(peelkg: Run, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "data" / "reference" / "forces.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("E23", "X99", 1)
    bad = tmp_path / "forces.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = peelkg("build", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{bad}:6: ons_pfa_code 'X99" in result.stderr
    assert "Traceback" not in result.stderr


def test_shacl_violation_exits_non_zero_and_publishes_nothing(peelkg: Run, tmp_path: Path) -> None:
    out = tmp_path / "data"
    assert peelkg("build", "--out", str(out), "--quiet").returncode == 0
    before = _current(out)
    source = Path(__file__).resolve().parents[2] / "data" / "reference" / "forces.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = header.index("wikidata_id")
    fields = next(csv.reader([lines[1]]))
    fields[column] = "not-a-wikidata-id"  # the reader takes it; the Force shape's pattern refuses it
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    lines[1] = buffer.getvalue().rstrip("\n")
    bad = tmp_path / "forces.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = peelkg("build", str(bad), "--out", str(out))
    assert result.returncode == 3
    assert "Conforms: False" in result.stderr
    assert "wikidataId" in result.stderr
    assert "nothing was published" in result.stderr
    assert "Traceback" not in result.stderr
    assert _current(out) == before
