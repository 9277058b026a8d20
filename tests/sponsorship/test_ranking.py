"""The ranking and the allocation suggestion on hand-made cases with known answers, and a
property: the suggestion never exceeds what is available and never passes over a higher-ranked
application that would have fitted."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from meetings.sponsorship.ranking import Candidate, rank, suggest

T0 = datetime(2018, 4, 1, tzinfo=UTC)


def c(
    number: int,
    *,
    ldc: bool = False,
    before: bool = False,
    capital: bool = True,
    region: str = "African States",
    gender: str = "female",
    cost: int = 100_000,
    day: int = 0,
) -> Candidate:
    return Candidate(
        application_id=number,
        state=f"State {number}",
        least_developed=ldc,
        sponsored_before=before,
        capital_based=capital,
        region=region,
        gender=gender,
        submitted_at=T0 + timedelta(days=day),
        cost_minor=cost,
    )


def test_least_developed_first_then_not_sponsored_before_then_capital_based(app) -> None:
    with app.test_request_context():
        places = rank(
            [
                c(1, capital=False),
                c(2, before=True),
                c(3, ldc=True, before=True),
                c(4),
                c(5, ldc=True),
            ]
        )
    assert [p.candidate.application_id for p in places] == [5, 3, 4, 1, 2]
    assert places[0].reasons[:3] == [
        "Least developed country.",
        "Not sponsored before in this process.",
        "Capital-based nominee.",
    ]
    assert "Sponsored before in this process." in places[1].reasons


def test_regional_then_gender_balance_break_ties(app) -> None:
    with app.test_request_context():
        places = rank(
            [
                c(1, region="African States", gender="male", day=0),
                c(2, region="African States", gender="female", day=1),
                c(3, region="Asia-Pacific States", gender="male", day=2),
            ],
            regions_sponsored=Counter({"African States": 1}),
        )
    assert [p.candidate.application_id for p in places] == [3, 2, 1]
    assert any("Regional balance" in r for r in places[0].reasons)
    assert any("Gender balance" in r for r in places[1].reasons)


def test_the_suggestion_funds_in_rank_order_what_fits_and_says_what_more_would_bring(app) -> None:
    with app.test_request_context():
        places = rank([c(1, ldc=True, cost=600), c(2, cost=500), c(3, cost=300), c(4, cost=200)])
    suggestion = suggest(places, available_minor=1_000, extra_minor=500)
    assert [p.candidate.application_id for p in suggestion.funded] == [1, 3]
    assert suggestion.left_minor == 100
    assert [p.candidate.application_id for p in suggestion.skipped] == [2, 4]
    assert [p.candidate.application_id for p in suggestion.next_if_more] == [2]


def test_nothing_is_suggested_when_nothing_is_available(app) -> None:
    with app.test_request_context():
        places = rank([c(1), c(2)])
    assert suggest(places, available_minor=-50).funded == []


candidate = st.builds(
    c,
    st.integers(1, 10_000),
    ldc=st.booleans(),
    before=st.booleans(),
    capital=st.booleans(),
    region=st.sampled_from(["African States", "Asia-Pacific States", "GRULAC", "EEG", "WEOG"]),
    gender=st.sampled_from(["female", "male", "other"]),
    cost=st.integers(1, 1_000_000),
    day=st.integers(0, 30),
)


@given(
    st.lists(candidate, max_size=30, unique_by=lambda x: x.application_id),
    st.integers(-1_000, 5_000_000),
)
def test_the_suggestion_never_overspends_or_passes_over_one_that_fitted(
    app, candidates, available
) -> None:
    with app.test_request_context():
        places = rank(candidates)
    assert sorted(p.candidate.application_id for p in places) == sorted(
        x.application_id for x in candidates
    )
    suggestion = suggest(places, available)
    spent = sum(p.candidate.cost_minor for p in suggestion.funded)
    assert spent <= max(available, 0)
    assert suggestion.left_minor == max(available, 0) - spent
    funded = {p.candidate.application_id for p in suggestion.funded}
    remaining = max(available, 0)
    for place in places:  # in rank order
        if place.candidate.application_id in funded:
            remaining -= place.candidate.cost_minor
        else:
            assert place.candidate.cost_minor > remaining, "a higher-ranked one would have fitted"
