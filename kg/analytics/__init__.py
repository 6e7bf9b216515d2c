"""Derivations over the built graph: facts read from it, networks, similarity, text, trajectories; published as
RDF in the analytics graph.
"""
