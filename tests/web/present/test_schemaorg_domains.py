"""The schema.org JSON-LD that pages embed uses each property on a type within its domain
(schema.org's ``domainIncludes``), as schema.org's validator checks.

The regression: ``itemReviewed`` on a ``Rating`` (it belongs to ``Review`` and ``AggregateRating``)
and ``isBasedOn`` on a ``GovernmentOrganization`` (it belongs to ``CreativeWork``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.support import fetch

# Supertypes of the types the pages use, and domainIncludes of the properties they use
# (https://schema.org/{name}, schema.org 29).
SUPERTYPES = {
    "GovernmentOrganization": {"Organization", "Thing"}, "Organization": {"Thing"},
    "Report": {"Article", "CreativeWork", "Thing"}, "Quotation": {"CreativeWork", "Thing"},
    "Review": {"CreativeWork", "Thing"}, "Rating": {"Intangible", "Thing"}, "Event": {"Thing"},
    "DefinedTerm": {"Intangible", "Thing"}, "DefinedTermSet": {"CreativeWork", "Thing"},
    "Dataset": {"CreativeWork", "Thing"}, "ItemList": {"Intangible", "Thing"}, "ListItem": {"Intangible", "Thing"},
    "AdministrativeArea": {"Place", "Thing"}, "CreativeWork": {"Thing"}, "Thing": set(),
}
DOMAINS = {
    "name": {"Thing"}, "url": {"Thing"}, "description": {"Thing"}, "sameAs": {"Thing"}, "subjectOf": {"Thing"},
    "alternateName": {"Thing"}, "areaServed": {"Organization"}, "mainEntityOfPage": {"Thing"},
    "license": {"CreativeWork"}, "datePublished": {"CreativeWork"}, "publisher": {"CreativeWork"},
    "text": {"CreativeWork"}, "isBasedOn": {"CreativeWork"}, "itemReviewed": {"Review", "AggregateRating"},
    "reviewRating": {"Review"}, "ratingValue": {"Rating"}, "bestRating": {"Rating"}, "worstRating": {"Rating"},
    "inDefinedTermSet": {"DefinedTerm"}, "termCode": {"DefinedTerm"}, "version": {"CreativeWork"},
    "dateModified": {"CreativeWork"}, "creator": {"CreativeWork"}, "variableMeasured": {"Dataset"},
    "itemListElement": {"ItemList"}, "position": {"ListItem"}, "item": {"ListItem"},
}
PAGES = ["/", "/doc/force/norfolk", "/doc/judgement/2016/norfolk/effectiveness/0",
         "/doc/inspection/2016/norfolk/effectiveness",
         "/doc/finding/2016/norfolk/effectiveness/1/1", "/doc/improvement/2016/norfolk/effectiveness/2/1",
         "/doc/grade/good", "/doc/theme/domestic-abuse", "/forces"]


def nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from nodes(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from nodes(inner)


def embedded(page: str) -> list[Any]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.DOTALL)]


@pytest.mark.parametrize("path", PAGES)
def test_every_property_is_used_within_its_domain(live_server: str, path: str) -> None:
    status, _, body = fetch(live_server, path, {"Accept": "text/html"})
    if status == 404:
        pytest.fail(f"{path} is not a page of the bundled data; pick another example")
    blocks = embedded(body.decode())
    assert blocks, f"{path} embeds no JSON-LD"
    for node in (n for block in blocks for n in nodes(block)):
        kind = node.get("@type")
        if kind is None:
            continue
        assert kind in SUPERTYPES, f"type {kind} not in the table: add it with its supertypes"
        types = {kind} | SUPERTYPES[kind]
        for prop in node:
            if prop.startswith("@"):
                continue
            assert prop in DOMAINS, f"property {prop} not in the table: add its domainIncludes"
            assert DOMAINS[prop] & types, f"{prop} on {kind} ({path}): its domain is {sorted(DOMAINS[prop])}"
