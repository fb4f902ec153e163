"""Receipts move certificates once and in order, whatever order and how often they arrive (hypothesis)."""
from hypothesis import given
from hypothesis import strategies as st

from app.certificates.states import Status
from app.exchange.receipt_rules import decide, reachable

# The paths an authority can take with one declaration (DESIGN.md state machine), as receipt statuses.
PATHS = [
    ["received", "accepted", "issued"],
    ["accepted", "issued"],
    ["received", "returned"],
    ["received", "accepted", "returned"],
    ["accepted", "returned"],
    ["received"],
    ["received", "accepted"],
]


def apply_stream(stream, status=Status.DECLARED, applied=0):
    for seq, receipt_status in stream:
        result = decide(status, applied, seq, receipt_status)
        if result is not None:
            status, applied = result, seq
    return status, applied


@st.composite
def shuffled_streams(draw):
    path = draw(st.sampled_from(PATHS))
    receipts = list(enumerate(path, start=1))
    duplicates = draw(st.lists(st.sampled_from(receipts), max_size=6))
    stream = draw(st.permutations(receipts + duplicates))
    return path, stream


@given(shuffled_streams())
def test_the_newest_receipt_decides_whatever_the_order_and_duplicates(case):
    path, stream = case
    status, applied = apply_stream(stream)
    assert applied == len(path)
    assert status == {"received": Status.DECLARED, "accepted": Status.ACCEPTED, "issued": Status.ISSUED,
                      "returned": Status.RETURNED}[path[-1]]


@given(shuffled_streams())
def test_applying_a_stream_twice_changes_nothing_more(case):
    _path, stream = case
    once = apply_stream(stream)
    assert apply_stream(stream, *once) == once


def test_a_duplicate_receipt_changes_nothing():
    assert decide(Status.ACCEPTED, 2, 2, "accepted") is None


def test_an_older_receipt_never_overrides_a_newer_state():
    assert decide(Status.ISSUED, 3, 2, "accepted") is None


def test_approval_can_arrive_before_acceptance():
    assert decide(Status.DECLARED, 1, 3, "issued") == Status.ISSUED


def test_a_receipt_cannot_reopen_an_issued_certificate_or_touch_a_draft():
    assert decide(Status.ISSUED, 3, 4, "returned") is None
    assert decide(Status.DRAFT, 0, 1, "issued") is None
    assert decide(Status.DECLARED, 0, 1, "bogus") is None


def test_reachability_follows_the_authoritys_events():
    assert reachable(Status.DECLARED, Status.ISSUED)
    assert reachable(Status.ACCEPTED, Status.RETURNED)
    assert not reachable(Status.RETURNED, Status.ISSUED)
