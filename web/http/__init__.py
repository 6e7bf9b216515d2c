"""HTTP mechanisms applied to every surface: content negotiation, caching, security headers, CORS, the SPARQL
protocol and answer formats, request buffering and lookup capacity.
"""
