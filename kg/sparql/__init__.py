"""The SPARQL language itself, below both the stores and the endpoint: the one lexer, and the binding of values
into query text as ``VALUES`` blocks of serialised terms (never raw text).
"""
