"""Read the reference facts and the reports' metadata: CSV rows → ``kg.model`` records.

Every problem is an ``InputError`` naming the file and line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

from kg.errors import InputError
from kg.model import GRADES, PILLARS, ForceRecord, GradeRecord, ReportMeta
from kg.parse.input_text import control_character, iri_problem, web_address_problem
from kg.resources import reference_dir

POLICE_UK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ONS_CODE = re.compile(r"^(E23|W15)\d{6}$")
WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")
POLICE_FORCE_AREAS_CSV = "police_force_areas.csv"  # the ONS's codes and names: what forces.csv is checked against


def csv_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) pairs, checking the header first."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError:
            raise InputError(str(path), 1, "not UTF-8 text") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(str(path), 1, f"missing column(s): {', '.join(missing)}")
        try:
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise InputError(str(path), reader.line_num, "wrong number of fields")
                for column, value in row.items():
                    if (control := control_character(value)) is not None:
                        raise InputError(str(path), reader.line_num, f"control character {control[1]} in {column}")
                yield reader.line_num, {k: v.strip() for k, v in row.items()}
        except UnicodeDecodeError:
            raise InputError(str(path), reader.line_num + 1, "not UTF-8 text") from None
        except csv.Error as exc:
            raise InputError(str(path), reader.line_num, f"malformed CSV: {exc}") from None


def _year(path: Path, line: int, value: str) -> int:
    if not re.fullmatch(r"20\d\d", value):
        raise InputError(str(path), line, f"year {value!r} is not a four-digit year")
    return int(value)


def _web_address(path: Path, line: int, column: str, value: str) -> None:
    if (problem := web_address_problem(value)) is not None:
        raise InputError(str(path), line, f"{column} {value!r} {problem}")


def _pillar(path: Path, line: int, value: str) -> str:
    pillar = value.strip().capitalize()
    if pillar not in PILLARS:
        raise InputError(str(path), line, f"pillar {value!r} is not one of {', '.join(PILLARS)}")
    return pillar


def read_forces(path: Path) -> list[ForceRecord]:
    """The forces table (``forces.csv``)."""
    forces: list[ForceRecord] = []
    seen: dict[str, int] = {}
    for line, row in csv_rows(path, ("name", "short_name", "police_uk_id", "ons_pfa_code", "source_urls")):
        pid, ons = row["police_uk_id"], row["ons_pfa_code"]
        if not POLICE_UK_ID.match(pid):
            raise InputError(str(path), line, f"police_uk_id {pid!r} is not a police.uk force id")
        if not ONS_CODE.match(ons):
            raise InputError(str(path), line, f"ons_pfa_code {ons!r} is not an ONS police force area code")
        if (problem := area_problem(ons, row["name"], row["short_name"])) is not None:
            raise InputError(str(path), line, problem)
        if pid in seen:
            raise InputError(str(path), line, f"police_uk_id {pid!r} repeats line {seen[pid]}")
        seen[pid] = line
        for url in (u for u in row["source_urls"].split(";") if u):  # any scheme: pages link only http(s)
            if (problem := iri_problem(url)) is not None:
                raise InputError(str(path), line, f"source_urls {url!r} {problem}")
        forces.append(
            ForceRecord(
                name=row["name"],
                short_name=row["short_name"],
                police_uk_id=pid,
                ons_code=ons,
                region=row.get("region", ""),
                wikidata_id=row.get("wikidata_id") or None,
                sources=tuple(u for u in row["source_urls"].split(";") if u),
                line=line,
            )
        )
    if not forces:
        raise InputError(str(path), None, "no forces")
    return forces


@cache
def police_force_areas() -> dict[str, str]:
    """ONS police force area code → the area's name, from the bundled, sourced ``police_force_areas.csv``."""
    path = reference_dir() / POLICE_FORCE_AREAS_CSV
    return {row["ons_pfa_code"]: row["name"] for _line, row in csv_rows(path, ("ons_pfa_code", "name", "source_url"))}


def _area_key(name: str) -> str:
    """A force's or an area's name reduced to the place: "Devon & Cornwall" and "Devon and Cornwall Police",
    "London, City of" and "City of London Police", "Metropolitan Police" and "Metropolitan Police Service"."""
    key = name.lower().replace("&", "and")
    if ", " in key:  # the ONS's inverted form
        head, _, tail = key.partition(", ")
        key = f"{tail} {head}"
    key = re.sub(r"\s+(constabulary|police service|police)$", "", " ".join(key.split()))
    return key.removeprefix("the ")


def area_problem(code: str, name: str, short_name: str) -> str | None:
    """Why ``code`` cannot be the police force area code of the force ``name`` (``short_name``), or None.

    >>> area_problem("E23000024", "Norfolk Constabulary", "Norfolk") is None
    True
    >>> area_problem("E23000025", "Norfolk Constabulary", "Norfolk")
    "ons_pfa_code 'E23000025' is the police force area of Suffolk (ONS), not of Norfolk Constabulary"
    """
    area = police_force_areas().get(code)
    if area is None:
        return f"ons_pfa_code {code!r} is not a police force area code the ONS publishes"
    if _area_key(area) not in (_area_key(name), _area_key(short_name)):
        return f"ons_pfa_code {code!r} is the police force area of {area} (ONS), not of {name}"
    return None


def read_wikidata(path: Path, forces: list[ForceRecord]) -> list[ForceRecord]:
    """The forces with their Wikidata items from the companion table (``wikidata.csv``).

    A row names a force by police.uk id, its item (``Q`` and a number) and the page the id was
    read from, which joins the force's sources.  A force without a row keeps what
    ``forces.csv`` says (usually nothing); a row that disagrees with ``forces.csv``, names an
    unknown force or repeats one is an ``InputError`` naming the line.
    """
    by_id = {f.police_uk_id: f for f in forces}
    found: dict[str, tuple[str, str]] = {}
    seen: dict[str, int] = {}
    for line, row in csv_rows(path, ("police_uk_id", "wikidata_id", "source")):
        pid, qid, source = row["police_uk_id"], row["wikidata_id"], row["source"]
        if pid not in by_id:
            raise InputError(str(path), line, f"police_uk_id {pid!r} is not a force of the forces table")
        if pid in seen:
            raise InputError(str(path), line, f"police_uk_id {pid!r} repeats line {seen[pid]}")
        if not WIKIDATA_ID.match(qid):
            raise InputError(str(path), line, f"wikidata_id {qid!r} is not a Wikidata item id (Q and a number)")
        if not source.startswith(("http://", "https://")):
            raise InputError(str(path), line, "source is not a web address")
        given = by_id[pid].wikidata_id
        if given and given != qid:
            raise InputError(str(path), line, f"wikidata_id {qid} disagrees with {given} of the forces table")
        seen[pid] = line
        found[pid] = (qid, source)
    return [
        replace(f, wikidata_id=found[f.police_uk_id][0],
                sources=(*f.sources, *(s for s in [found[f.police_uk_id][1]] if s not in f.sources)))
        if f.police_uk_id in found else f
        for f in forces
    ]


def read_grades(path: Path) -> list[GradeRecord]:
    """The graded judgements table (``peel_grades.csv``)."""
    records: list[GradeRecord] = []
    for line, row in csv_rows(path, ("force_short_name", "year", "pillar", "question", "grade", "source_url")):
        grade = row["grade"]
        if grade not in (*GRADES, "Ungraded"):
            raise InputError(str(path), line, f"grade {grade!r} is not a PEEL grade")
        _web_address(path, line, "source_url", row["source_url"])
        records.append(
            GradeRecord(
                force_short_name=row["force_short_name"],
                year=_year(path, line, row["year"]),
                pillar=_pillar(path, line, row["pillar"]),
                question=row["question"],
                grade=grade,
                source_url=row["source_url"],
                line=line,
            )
        )
    return records


LATER_REPORT_CYCLES = ("2018-19", "2021-22", "2023-25")  # 2018/19 by pillar, later ones by area of policing


def read_report_metadata(path: Path) -> dict[str, ReportMeta]:
    """The reports' metadata (``reports.csv`` beside the report texts), by file name."""
    metas: dict[str, ReportMeta] = {}
    for line, row in csv_rows(path, ("file", "force", "year", "pillar", "source_url")):
        published = row.get("published") or None
        if published:
            try:
                date.fromisoformat(published)
            except ValueError:
                raise InputError(str(path), line, f"published {published!r} is not a yyyy-mm-dd date") from None
        _web_address(path, line, "source_url", row["source_url"])
        cycle = (row.get("cycle") or "").strip() or None  # optional column: a later cycle has no pillar
        if cycle is not None and cycle not in LATER_REPORT_CYCLES:
            raise InputError(str(path), line, f"cycle {cycle!r} is not one of {', '.join(LATER_REPORT_CYCLES)}")
        metas[row["file"]] = ReportMeta(
            file=row["file"],
            force=row["force"],
            year=_year(path, line, row["year"]),
            pillar=(row["pillar"].strip() if cycle and (cycle != "2018-19" or not row["pillar"].strip())
                    else _pillar(path, line, row["pillar"])),  # a 2018/19 pillar page names its pillar
            source_url=row["source_url"],
            published=published,
            cycle=cycle,
        )
    return metas
