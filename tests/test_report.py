"""The terminal views of ``harmwatch.report``."""

from __future__ import annotations

import pytest

from harmwatch.model import Claim, FigureEstimate, Incident, Span
from harmwatch.report import incident_row


def _claim(low: int | None, high: int | None, certainty: str = "claimed") -> Claim:
    return Claim("m-1", "d1", "Outlet", "injured", "civilians", low, high, "exact", certainty, None,
                 Span(0, 4, "text"))


@pytest.mark.parametrize(("estimate", "shown"), [
    (FigureEstimate("injured", "civilians", 5, 5, 5, 5, False, (_claim(5, 5),)), "injured civilians 5"),
    (FigureEstimate("injured", "civilians", 5, 7, 9, 5, False, (_claim(5, 5), _claim(9, 9))),
     "injured civilians 5-9"),
    # only a denial ("no civilians were hurt"): no estimate, and the row says why
    (FigureEstimate("injured", "civilians", None, None, None, None, False, (_claim(0, 0, "denied"),)),
     "injured civilians denied"),
])
def test_incident_row_shows_each_figure(estimate: FigureEstimate, shown: str) -> None:
    row = incident_row(Incident("inc-1", "air_strike", "incident", None, None, figures=(estimate,)))
    assert row.endswith(shown), row


def test_incident_row_shows_the_harm_to_people_first() -> None:
    market = FigureEstimate("facilities", "markets", 1, 1, 1, 1, False)
    hurt = FigureEstimate("injured", "people", 12, 15, 40, 12, False)
    dead = FigureEstimate("killed", "people", 10, 12, 12, 10, False)
    row = incident_row(Incident("inc-1", "air_strike", "incident", None, None, figures=(market, hurt, dead)))
    assert row.endswith("killed people 10-12; injured people 12-40; facilities markets 1"), row
