"""Regression: a finding page showed "theme tag", offsets and ordinals in its main table, as if they were facts."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

FINDING = "/doc/finding/2016/norfolk/effectiveness/1/1"


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


def test_how_the_data_was_made_is_behind_a_data_disclosure(client: FlaskClient) -> None:
    page = client.get(FINDING).get_data(as_text=True)
    section = page[page.index('id="statements"'):page.index('id="provenance"')]
    disclosure = section.index('<details class="data">')
    shown, hidden = _text(section[:disclosure]), _text(section[disclosure:])
    for internal in ("theme tag", "start offset", "end offset", "ordinal", "matched label"):
        assert internal not in shown.casefold(), internal
    assert "theme tag" in hidden and "start offset" in hidden and "How the data was made" in hidden
    assert "Anti-social behaviour" in shown and "question" in shown  # what the finding says stays in view
