"""Build inputs to a release directory: one report at a time, validation, dumps, VoID/DCAT, the search index,
definitions, publishing, the layout of releases, and pushing a release to a remote store.
"""
