"""peelkg's domain layer: parse PEEL reports, map them to RDF, validate, release, query.

It never imports the web layer and writes no markup. ``model``, ``namespaces``, ``vocab`` and ``errors``
are shared by all; ``parse/`` reads report text, ``link/`` links and maps it to RDF, ``analytics/`` derives
from the graph, ``release/`` builds and publishes releases, ``store/`` reads them, ``query/`` runs SPARQL;
``cli`` is the ``peelkg`` command's domain half.
"""

__version__ = "0.1.0"
