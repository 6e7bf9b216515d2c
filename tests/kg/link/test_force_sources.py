"""Each force cites the official registers that publish its codes, not the code repositories they were compiled from
(regression: a force page listed three third-party repositories as its sources)."""

from __future__ import annotations

from pathlib import Path

from kg.link.reference import read_forces

FORCES = Path(__file__).resolve().parents[3] / "data" / "reference" / "forces.csv"


def test_every_force_cites_the_ons_register_and_police_uk_for_its_codes() -> None:
    forces = read_forces(FORCES)
    assert len(forces) == 43
    for force in forces:
        assert f"http://statistics.data.gov.uk/id/statistical-geography/{force.ons_code}" in force.sources, force.name
        assert f"https://data.police.uk/api/forces/{force.police_uk_id}" in force.sources, force.name
        assert any("justiceinspectorates.gov.uk" in url for url in force.sources), force.name
        assert not [url for url in force.sources if "github.com" in url], force.name
