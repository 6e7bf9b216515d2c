"""Build inputs to a release directory: one report at a time, validation, dumps, VoID/DCAT, the search index,
definitions, publishing and the layout of releases.
"""
