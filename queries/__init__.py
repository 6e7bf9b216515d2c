"""Canned SPARQL queries (installed as kg.resources.queries)."""
