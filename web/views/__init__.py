"""One blueprint per surface of the site (pages, SPARQL, canned queries, downloads, search, dataset, definitions,
reconciliation, analytics, fragments, identifiers); each view is thin.
"""
