"""SPARQL as the endpoint and the canned queries run it: the one lexer, the guard, binding, execution, results
and their formats, the worker pool and its isolation, caches, budgets and the query service.
"""
