"""Bundled inputs: the corpus report and the reference facts (installed as kg.resources.data)."""
