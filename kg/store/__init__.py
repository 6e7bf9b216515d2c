"""Where a release's quads are read: the embedded store (local), a SPARQL 1.1 service (remote), and the store as
loaded by a build, all behind the one interface.
"""
