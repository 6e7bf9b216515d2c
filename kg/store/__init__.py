"""Where a release's quads are read: the embedded store (local), a SPARQL 1.1 service (remote), the store as
loaded by the app, and pushing a release to a remote store.
"""
