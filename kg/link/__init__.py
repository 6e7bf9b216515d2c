"""Reports and reference facts linked and mapped to RDF: forces, aliases, partners, themes, judgement merging,
the mapping itself, and reconciliation against the graph.
"""
