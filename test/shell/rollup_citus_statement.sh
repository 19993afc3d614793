#!/usr/bin/env bash
# test/shell/rollup_citus_statement.sh: refresh_video_analytics's Citus
# statement (citus_recompute_sql in src/rollup.c, run per creator where
# Citus is loaded) keeps ai_interactions as the single-node one does, here on
# one node without Citus: the statement is taken from the C source (its
# string literals joined, the SQL_* operator macros of src/spi_sql.h
# expanded), prepared, and run for one creator, as RecomputePerCreator runs
# it, beside the single-node statement.
#
#   bash test/run.sh shell/rollup_citus_statement
#
# Checks, for the Citus statement and the single-node one alike: a full
# recomputation keeps a day's row that has only interactions (no views) and
# its figure; a session on that day adds its views beside the figure; the
# session gone, the row stays with zero viewing figures; a day with neither
# loses its row; another creator's rows are untouched by the Citus statement.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib.sh
source "$here/../lib.sh"
# shellcheck source=test/checks.sh
source "$here/../checks.sh"

shell_test_begin rollup_citus_statement chronos_s_rollup_citus_statement 55443
PY=$(command -v python3) || { ensure_packages python3 && PY=$(command -v python3); }


# statement NAME: the SQL of the C string constant NAME of src/rollup.c.
statement() {
	"$PY" - "$CHRONOS_ROOT" "$1" <<'PY'
import re, sys
root, name = sys.argv[1], sys.argv[2]
src = open(root + '/src/rollup.c').read()
macros = dict(re.findall(r'#define (SQL_\w+) (".*?")\n', open(root + '/src/spi_sql.h').read()))
m = re.search(r'static const char \*const ' + name + r' =\n(.*?);\n', src, re.S)
if not m:
    sys.exit('no ' + name + ' in src/rollup.c')
body = m.group(1)
for k, v in macros.items():
    body = re.sub(r'\b' + k + r'\b', v, body)
print(''.join(p.replace('\\"', '"') for p in re.findall(r'"((?:[^"\\]|\\.)*)"', body)))
PY
}
citus_sql=$(statement citus_recompute_sql)
single_sql=$(statement recompute_sql)

A=c1000000-0000-4000-8000-00000000000a
B=c1000000-0000-4000-8000-00000000000b
for kind in citus single; do
	if [ $kind = citus ]; then
		prepare="PREPARE recompute (uuid[], uuid[], timestamptz[], timestamptz, uuid) AS $citus_sql"
		run="EXECUTE recompute ('{}', '{}', '{}', '2026-01-01', '$A')"
		what="the Citus statement"
	else
		prepare="PREPARE recompute (uuid[], uuid[], timestamptz[], timestamptz) AS $single_sql"
		run="EXECUTE recompute ('{}', '{}', '{}', '2026-01-01')"
		what="the single-node statement"
	fi
	out=$("$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$PGDATABASE" 2>&1 <<SQL || true
BEGIN;
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone) VALUES
  ('$A', 'co_twin_a', 'user_twin_a', 'Asia/Tokyo'), ('$B', 'co_twin_b', 'user_twin_b', 'UTC');
INSERT INTO chronos.students (id, creator_id, whop_user_id) VALUES
  ('d1000000-0000-4000-8000-0000000000a1', '$A', 'learner_twin');
INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id) VALUES
  ('e1000000-0000-4000-8000-0000000000a1', '$A', 'a1', 'youtube', 'yt_twin_a1'),
  ('e1000000-0000-4000-8000-0000000000a2', '$A', 'a2', 'youtube', 'yt_twin_a2'),
  ('e1000000-0000-4000-8000-0000000000b1', '$B', 'b1', 'youtube', 'yt_twin_b1');
SELECT chronos.set_ai_interactions('e1000000-0000-4000-8000-0000000000a1', '2026-03-02', 2) \\g /dev/null
SELECT chronos.set_ai_interactions('e1000000-0000-4000-8000-0000000000b1', '2026-03-02', 1) \\g /dev/null
-- a stale row with neither views nor interactions
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views) VALUES
  ('e1000000-0000-4000-8000-0000000000a2', '$A', '2026-03-03', 4);
$prepare;
CREATE TEMP VIEW rows AS SELECT string_agg(v.title || ' ' || a."date" || ' ' || a.views || ' ' || a.unique_viewers || ' '
    || a.average_watch_time_seconds || ' ' || a.ai_interactions, ', ' ORDER BY v.title, a."date") AS r
  FROM chronos.video_analytics a JOIN chronos.videos v ON v.id = a.video_id;
$run \\g /dev/null
SELECT 'after a full recomputation: ' || r FROM rows;
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, watch_time_seconds) VALUES
  ('f1000000-0000-4000-8000-0000000000a1', 'e1000000-0000-4000-8000-0000000000a1',
   'd1000000-0000-4000-8000-0000000000a1', '2026-03-02 02:00+00', 120);
$run \\g /dev/null
SELECT 'with a session: ' || r FROM rows;
DELETE FROM chronos.video_watch_sessions;
$run \\g /dev/null
SELECT 'the session gone: ' || r FROM rows;
ROLLBACK;
SQL
)
	expect="after a full recomputation: a1 2026-03-02 0 0 0 2, b1 2026-03-02 0 0 0 1
with a session: a1 2026-03-02 1 1 120.00 2, b1 2026-03-02 0 0 0 1
the session gone: a1 2026-03-02 0 0 0 2, b1 2026-03-02 0 0 0 1"
	if [ "$out" = "$expect" ]; then
		pass "$what keeps ai_interactions through full recomputations, with and without sessions"
	else
		fail "$what:"
		printf '%s\n' "$out" | sed 's/^/      got:  /'
		printf '%s\n' "$expect" | sed 's/^/      want: /'
	fi
done

checks_summary rollup_citus_statement
