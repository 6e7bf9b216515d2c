"""What pages show, as plain data for templates: entity descriptions, labels, profiles, overviews, comparisons,
schema.org, charts (SVG) and table views.
"""
