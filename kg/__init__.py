"""peelkg's domain layer: parse PEEL reports, map them to RDF, validate, release, query.

It never imports the web layer.
"""

__version__ = "0.1.0"
