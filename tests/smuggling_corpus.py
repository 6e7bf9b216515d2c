"""Ways to spell a SERVICE call, shared by the guard's tests and the endpoint's (loopback only)."""

from __future__ import annotations

# pyoxigraph 0.5 evaluates no SERVICE whose endpoint is a variable; the guard refuses them all the same.
ENGINE_NEVER_CALLS = {"variable", "variable, silent"}


def smuggling_corpus(url: str) -> dict[str, str]:
    """Queries that each make pyoxigraph call ``url`` (when nothing stops it)."""
    host, _, rest = url.removeprefix("http://").partition(":")
    escaped = "http://" + host + "\\u003A" + rest
    group = "{ ?a ?b ?c }"
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {group} }}",
        "comment ended by CR": f"SELECT * WHERE {{ #\rSERVICE <{url}> {group} }}",
        "comment ended by CRLF": f"SELECT * WHERE {{ # x\r\nSERVICE <{url}> {group} }}",
        "lower case": f"select * where {{ service <{url}> {group} }}",
        "mixed case": f"SeLeCt * WhErE {{ sErViCe <{url}> {group} }}",
        "tab and CR as space": f"SELECT * WHERE {{\tSERVICE\r<{url}>\t{group} }}",
        "no space": f"SELECT * WHERE {{SERVICE<{url}>{group}}}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {group} }}",
        "silent run together": f"SELECT * WHERE {{ SERVICESILENT<{url}> {group} }}",
        "silent lower case run together": f"SELECT * WHERE {{ servicesilent<{url}> {group} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {group} }}",
        "variable, silent": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE SILENT ?e {group} }}",
        "prefixed name": f"PREFIX s: <{url}> SELECT * WHERE {{ SERVICE s: {group} }}",
        "prefix run into keyword": f"PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x {group} }}",
        "SILENT as a prefix": f"PREFIX SILENT: <{url}> SELECT * WHERE {{ SERVICE SILENT:x {group} }}",
        "silent then empty prefix": f"PREFIX : <{url}> SELECT * WHERE {{ SERVICE SILENT:x {group} }}",
        "relative to BASE": f"BASE <{url}> SELECT * WHERE {{ SERVICE <sparql> {group} }}",
        "codepoint escapes in the IRI": f"SELECT * WHERE {{ SERVICE <{escaped}> {group} }}",
        "after an IRI holding #": f"SELECT * WHERE {{ BIND(<http://e/#x> AS ?i) SERVICE <{url}> {group} }}",
        "after an escaped IRI holding #": (
            f"SELECT * WHERE {{ BIND(<http://e/\\u0041#> AS ?i) SERVICE <{url}> {group} }}"),
        "after a string holding #": f'SELECT * WHERE {{ BIND("#" AS ?h) SERVICE <{url}> {group} }}',
        "after a long string holding # and a newline": (
            f"SELECT * WHERE {{ BIND('''#\n''' AS ?h) SERVICE <{url}> {group} }}"),
        "after an escaped quote": f'SELECT * WHERE {{ BIND("\\"#" AS ?h) SERVICE <{url}> {group} }}',
        "after a codepoint-escaped quote": f'SELECT * WHERE {{ BIND("\\u0022#" AS ?h) SERVICE <{url}> {group} }}',
        "behind a less-than read as an IRI": (
            f"SELECT * WHERE {{ BIND(1 AS ?s) FILTER(?s<'>' || true) SERVICE <{url}> {group} BIND('' AS ?q) }}"),
        "after a boolean run together": f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER(true)SERVICE<{url}> {group} }}",
        "in OPTIONAL": f"SELECT * WHERE {{ BIND(1 AS ?x) OPTIONAL {{ SERVICE <{url}> {group} }} }}",
        "in a sub-query": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {group} }} }} }}",
        "in EXISTS": f"SELECT * WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ SERVICE <{url}> {group} }} }}",
        "in a UNION": f"SELECT * WHERE {{ {{ BIND(1 AS ?x) }} UNION {{ SERVICE <{url}> {group} }} }}",
        "ASK": f"ASK {{ SERVICE <{url}> {group} }}",
        "CONSTRUCT": f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE <{url}> {group} }}",
        "DESCRIBE": f"DESCRIBE ?a WHERE {{ SERVICE <{url}> {group} }}",
    }
