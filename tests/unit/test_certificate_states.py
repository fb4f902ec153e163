"""The certificate state machine (DESIGN.md, State machine)."""
import pytest

from app.certificates.states import IllegalTransition, Status, can_delete, can_edit, next_status

# The arrows drawn in DESIGN.md (save into DRAFT and edit + save back to DRAFT are not events here).
DESIGN_MOVES = {
    (Status.DRAFT, "declare"): Status.DECLARED,
    (Status.DECLARED, "accept"): Status.ACCEPTED,
    (Status.ACCEPTED, "approve"): Status.ISSUED,
    (Status.DECLARED, "return"): Status.RETURNED,
    (Status.ACCEPTED, "return"): Status.RETURNED,
}


@pytest.mark.parametrize("status, event, target", [(s, e, t) for (s, e), t in DESIGN_MOVES.items()])
def test_it_makes_every_move_the_design_draws(status, event, target):
    assert next_status(status, event) is target


@pytest.mark.parametrize("status, event", [
    (Status.DRAFT, "approve"),
    (Status.DRAFT, "accept"),
    (Status.DRAFT, "return"),
    (Status.DECLARED, "declare"),
    (Status.ACCEPTED, "declare"),
    (Status.ACCEPTED, "accept"),
    (Status.ISSUED, "declare"),
    (Status.ISSUED, "accept"),
    (Status.ISSUED, "approve"),
    (Status.ISSUED, "return"),
    (Status.RETURNED, "accept"),
    (Status.RETURNED, "approve"),
    (Status.RETURNED, "return"),
    (Status.DRAFT, "issue"),
])
def test_it_refuses_a_move_that_does_not_apply(status, event):
    with pytest.raises(IllegalTransition) as refused:
        next_status(status, event)
    assert (refused.value.status, refused.value.event) == (status, event)


@pytest.mark.parametrize("status, event", [(Status.RETURNED, "declare"), (Status.DECLARED, "approve")])
def test_it_draws_no_shortcuts_the_design_does_not_show(status, event):
    """DESIGN.md: a returned certificate goes back to DRAFT by edit + save before it is declared again, and
    approval comes after acceptance."""
    with pytest.raises(IllegalTransition):
        next_status(status, event)


@pytest.mark.parametrize("status, editable", [
    (Status.DRAFT, True), (Status.RETURNED, True),
    (Status.DECLARED, False), (Status.ACCEPTED, False), (Status.ISSUED, False),
])
def test_it_lets_only_drafts_and_returned_certificates_be_edited_or_deleted(status, editable):
    assert can_edit(status) is editable
    assert can_delete(status) is editable


@pytest.mark.parametrize("status, label", [
    (Status.DRAFT, "暂存"), (Status.DECLARED, "已申报"), (Status.ACCEPTED, "已受理"),
    (Status.ISSUED, "审核通过"), (Status.RETURNED, "退证"),
])
def test_it_labels_each_status_with_the_manuals_term(status, label):
    assert status.label == label
