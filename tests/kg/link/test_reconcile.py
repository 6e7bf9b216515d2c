"""Name matching for the reconciliation service, on a hand-made index and on the bundled release."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.link.aliases import read_aliases
from kg.link.reconcile import MATCH_SCORE, MIN_SCORE, TYPES, Candidate, Index, normalise
from kg.store.local import LocalStore

FORCE, ORGANISATION, THEME = TYPES


@pytest.mark.parametrize(("name", "expected"), [
    ("Avon & Somerset", "avon and somerset"),
    ("Avon and Somerset Constabulary", "avon and somerset"),
    ("Dyfed Powys Police", "dyfed powys"),
    ("Dyfed-Powys Police", "dyfed powys"),
    ("The Metropolitan Police Service", "metropolitan"),
    ("  NORFOLK  constabulary ", "norfolk"),
    ("Police", "police"),
    ("Clare’s Law", "clares law"),
])
def test_normalise(name: str, expected: str) -> None:
    assert normalise(name) == expected


def small_index() -> Index:
    return Index([
        Candidate("force/norfolk", "Norfolk Constabulary", FORCE, names={"Norfolk Constabulary", "Norfolk"},
                  properties={"policeUkId": {"norfolk"}, "onsCode": {"E23000024"}}),
        Candidate("force/north-wales", "North Wales Police", FORCE, names={"North Wales Police", "North Wales"}),
        Candidate("force/north-yorkshire", "North Yorkshire Police", FORCE, names={"North Yorkshire Police"}),
        Candidate("organisation/cps", "Crown Prosecution Service", ORGANISATION,
                  names={"Crown Prosecution Service", "CPS"}),
        Candidate("theme/norfolk-broads", "Norfolk broads", THEME, names={"Norfolk broads"}),
    ])


def test_exact_variant_is_a_certain_match() -> None:
    (best, *rest) = small_index().reconcile("Norfolk Police")
    assert (best.candidate.id, best.score, best.match) == ("force/norfolk", 100.0, True)
    assert all(not r.match for r in rest)


def test_a_typo_scores_high_but_is_not_certain() -> None:
    (best, *_rest) = small_index().reconcile("Norflok Constabulary")
    assert best.candidate.id == "force/norfolk" and MIN_SCORE <= best.score < MATCH_SCORE and not best.match


def test_ambiguous_partial_names_are_never_certain() -> None:
    results = small_index().reconcile("North")
    assert {r.candidate.id for r in results} == {"force/north-wales", "force/north-yorkshire"}
    assert not any(r.match for r in results)


def test_type_restricts_candidates_by_id_or_class_iri() -> None:
    index = small_index()
    assert [r.candidate.id for r in index.reconcile("Norfolk", types=["Theme"])] == ["theme/norfolk-broads"]
    iri = "https://w3id.org/peelkg/def/peel#Force"
    assert [r.candidate.id for r in index.reconcile("Norfolk", types=[iri])] == ["force/norfolk"]


def test_properties_raise_or_lower_the_score() -> None:
    index = small_index()
    (typo,) = [r for r in index.reconcile("Norflok") if r.candidate.id == "force/norfolk"]
    (agreeing,) = index.reconcile("Norflok", types=["Force"], properties={"onsCode": ["E23000024"]})
    assert agreeing.score == pytest.approx(min(100.0, typo.score + 10))
    assert index.reconcile("Norfolk", types=["Force"], properties={"onsCode": ["W15000001"]})[0].score == 80.0


def test_unrelated_names_find_nothing() -> None:
    assert small_index().reconcile("Zebra crossing") == []
    assert small_index().reconcile("") == []


def test_suggest_by_prefix_of_a_name_or_a_word() -> None:
    index = small_index()
    assert [c.id for c in index.suggest("nor", limit=2)] == ["force/norfolk", "theme/norfolk-broads"]
    assert [c.id for c in index.suggest("pros")] == ["organisation/cps"]
    assert [c.id for c in index.suggest("cps", types=["PartnerOrganisation"])] == ["organisation/cps"]
    assert index.suggest("") == []


def test_the_bundled_index_resolves_common_variants(store: LocalStore) -> None:
    index = Index.from_store(store)
    for query, expected in (("Norfolk Constabulary", "force/norfolk"), ("Avon & Somerset", "force/avon-and-somerset"),
                            ("Met Police", "force/metropolitan"), ("Dyfed Powys Police", "force/dyfed-powys"),
                            ("Hants", "force/hampshire"), ("domestic abuse", "theme/domestic-abuse")):
        best = index.reconcile(query)[0]
        assert (best.candidate.id, best.match) == (expected, True), query
    norfolk = index.by_id["force/norfolk"]
    assert norfolk.properties["onsCode"] == {"E23000024"} and norfolk.description.startswith("Territorial force")


def test_alias_table_rows_are_checked(tmp_path: Path) -> None:
    assert all(a.source for a in read_aliases())
    bad = tmp_path / "aliases.csv"
    bad.write_text("alias,type,id,source\nMet,county,metropolitan,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"aliases.csv:2: type .county."):
        read_aliases(bad)
    bad.write_text("alias,type,id,source\nMet,force,metropolitan,\n", encoding="utf-8")
    with pytest.raises(InputError, match="source"):
        read_aliases(bad)
