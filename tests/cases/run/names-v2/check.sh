# Names with /, :, +, %, space, ',', '=', '$', '?', '#', '&', '..' and non-ASCII reach the
# simulator intact: it removed exactly the listed targets (and not their near-miss twins,
# which sim-state.json keeps), each once, with one DELETE per job.
. "$OB_TESTS_DIR/lib/run.sh"
check_names_run /api/atlas/v2/groups/
