"""A few of tests/fuzz_edits.py's random sequences, in the suite: entities, dates, summaries,
authors, content/stories.yml and entities.yml, the site's own story and entity templates and
static files, beside test_incremental's edits, each build compared with a clean one."""

from __future__ import annotations

import pytest

from tests.fuzz_edits import run_seed


@pytest.mark.parametrize(
    "seed",
    [
        1,
        2,
        3,
        269,  # undid an edit a build had kept from the reads
        551,  # brief serve edited two briefs, then the second edit was undone
    ],
)
def test_random_sequences_of_every_kind_of_edit_match_a_clean_build(tmp_path, seed):
    assert run_seed(seed, tmp_path) is None


@pytest.mark.parametrize("seed", [5, 14])  # each undid a save made while a build read its inputs
def test_random_sequences_with_files_saved_during_builds_match_a_clean_build(tmp_path, seed):
    assert run_seed(seed, tmp_path, races=True) is None


def test_builds_killed_at_random_moments_are_repaired_by_the_next_build(tmp_path):
    """One of tests/fuzz_kills.py's sequences: brief build, and brief serve with an edit, killed
    (SIGKILL, workers included) at random moments, each next build compared with a clean one.
    The kills land where timing puts them, so this keeps the tool working more than it replays
    a case: the cases it found have tests of their own."""
    from tests.fuzz_kills import run_seed as run_killed_seed

    assert run_killed_seed(2, tmp_path) is None


def test_random_sequences_with_output_files_deleted_by_hand_match_a_clean_build(tmp_path):
    """Seed 1's edits, with a page, a static file or the search index deleted from the output
    before some builds (three times): each is written again, and the output matches."""
    assert run_seed(1, tmp_path, deletions=True) is None


def test_random_sequences_keep_files_put_into_the_output_by_hand(tmp_path):
    """Seed 2's edits with brief serve staying beside brief build, and a CNAME and
    .well-known/security.txt put into the output by hand: every build keeps them (at b5259af
    the whole-site build after an entities.yml edit deleted them), and the rest matches a clean
    build."""
    assert run_seed(2, tmp_path, serve_stays=True, deletions=True, others=True) is None
