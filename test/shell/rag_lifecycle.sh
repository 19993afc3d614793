#!/usr/bin/env bash
# test/shell/rag_lifecycle.sh: chronos_rag installs, goes along with
# chronos's update, and survives a dump and restore.
#
#   bash test/run.sh shell/rag_lifecycle   (in the harness's cluster)
#   bash test/shell/rag_lifecycle.sh       (alone: as root, builds chronos,
#                                           chronos_rag and pgvector, and runs
#                                           its own cluster)
#
#   (a) fresh     CREATE EXTENSION chronos, vector, chronos_rag (8
#                 dimensions, set on the database)
#   (b) updated   chronos 1.0 with a platform's data (the upgrade test's
#                 loader); CREATE EXTENSION chronos_rag refused (it needs
#                 chronos 1.1) and leaving nothing; ALTER EXTENSION chronos
#                 UPDATE; chronos_rag created at its oldest version, loaded
#                 with chunks, chats and cited replies
#                 (test/upgrade/rag_data.sql), updated to its newest (while
#                 1.0 is the only version, a no-op)
#   (c) restored  pg_dump -Fc of (b), pg_restore into a database with the
#                 same dimension setting, session_replication_role = replica
#                 (README, "Backups and crash safety"); and into one without
#                 it, which must fail, naming the dimensions
#
# Checks: the catalog snapshots of chronos and of chronos_rag (the upgrade
# test's catalog_snapshot.sql, for either) of (b) and (c) equal those of (a);
# chronos_rag's rows, the ai_interactions figures and search_chunks's answers
# of (c) equal those of (b); a reply written after the restore is counted.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UPGRADE_DIR=$(cd "$here/../upgrade" && pwd)
# shellcheck source=test/lib.sh
source "$here/../lib.sh"
# shellcheck source=test/checks.sh
source "$here/../checks.sh"

shell_test_begin rag_lifecycle chronos_s_rag_lifecycle 55441
pgvector_ensure "$PG_MAJOR"
PREFIX=${PGDATABASE:0:40}


# new_rag_db NAME: new_db, with chronos_rag's dimension set (8).
new_rag_db() {
	new_db "$1"
	q postgres "ALTER DATABASE \"$1\" SET chronos_rag.embedding_dimensions = 8"
}

# snapshots DB NAME: the catalog snapshots of chronos and of chronos_rag.
snapshots() {
	run_file "$1" "$UPGRADE_DIR/catalog_snapshot.sql" "$WORK/$2.chronos.catalog"
	run_file "$1" "$WORK/rag_snapshot.sql" "$WORK/$2.rag.catalog"
}
sed "s/'chronos'/'chronos_rag'/g; s/extension chronos as/extension chronos_rag as/" \
	"$UPGRADE_DIR/catalog_snapshot.sql" >"$WORK/rag_snapshot.sql"

# state DB OUT: chronos_rag's rows, the figures, search_chunks's answers.
state() {
	run_file "$1" /dev/stdin "$2" <<'SQL'
SELECT 'chunk', id, video_id, creator_id, chunk_index, content, start_seconds, end_seconds, embedding::text, metadata
  FROM chronos_rag.video_chunks ORDER BY id;
SELECT 'chat', id, creator_id, student_id, course_id, title, metadata, created_at FROM chronos_rag.chat_sessions ORDER BY id;
SELECT 'message', id, session_id, role, content, input_tokens, output_tokens, cost_usd, cited_chunk_ids,
       cited_video_ids, created_at FROM chronos_rag.chat_messages ORDER BY id;
SELECT 'ai', video_id, "date", views, ai_interactions FROM chronos.video_analytics
 WHERE ai_interactions > 0 ORDER BY 2, 3;
SELECT 'search', c.id, s.chunk_id, round(s.distance::numeric, 6)
  FROM chronos.creators c,
       LATERAL chronos_rag.search_chunks('[1,0.5,0,0,0,0,0,0.25]', c.id, 5) s ORDER BY c.id, s.distance, s.chunk_id;
SELECT 'dimensions', chronos_rag.embedding_dimensions();
SQL
}

T0=$(q postgres "SELECT date_trunc('hour', now()) - interval '1 day'")
LOADER=$(cd "$here/../fixtures" && pwd)/platform_data.sql
LOAD_VARS=(-v app_role=chronos_rag_lifecycle_app -v creator_zones='America/New_York Pacific/Chatham'
	-v students_per_creator=3 -v videos_per_creator=3)

# --- (a) fresh ---------------------------------------------------------------

FRESH=${PREFIX}_fresh
echo "== (a) fresh: chronos, vector, chronos_rag in $FRESH"
new_rag_db "$FRESH"
q "$FRESH" "SET client_min_messages = warning" "CREATE EXTENSION chronos" "CREATE EXTENSION vector" \
	"CREATE EXTENSION chronos_rag" >/dev/null
snapshots "$FRESH" fresh
echo "   catalog snapshots: chronos $(wc -l <"$WORK/fresh.chronos.catalog") lines, chronos_rag $(wc -l <"$WORK/fresh.rag.catalog") lines"
[ "$(q "$FRESH" "SELECT chronos_rag.embedding_dimensions()")" = 8 ] &&
	pass "fresh: 8 dimensions, from the database's setting" || fail "fresh: not 8 dimensions"

# --- (b) chronos 1.0, updated, then chronos_rag -------------------------------

UPD=${PREFIX}_updated
echo "== (b) chronos 1.0 loaded, chronos_rag refused, chronos updated, chronos_rag created and loaded, in $UPD"
new_rag_db "$UPD"
q "$UPD" "SET client_min_messages = warning" "CREATE EXTENSION chronos VERSION '1.0'" "CREATE EXTENSION vector" >/dev/null
run_file "$UPD" "$LOADER" "$WORK/upd.load" "${LOAD_VARS[@]}" && pass "1.0: platform_data.sql loaded" ||
	{ fail "1.0: platform_data.sql"; exit 1; }
if q "$UPD" "CREATE EXTENSION chronos_rag" >"$WORK/refused" 2>&1; then
	fail "chronos_rag was created on chronos 1.0"
elif grep -q 'chronos_rag needs chronos 1.1 or later, and chronos is at 1.0' "$WORK/refused" &&
	[ "$(q "$UPD" "SELECT count(*) FROM pg_extension WHERE extname = 'chronos_rag'")" = 0 ]; then
	pass "on chronos 1.0, CREATE EXTENSION chronos_rag is refused and makes nothing"
else
	fail "on chronos 1.0, CREATE EXTENSION chronos_rag failed otherwise: $(head -n 2 "$WORK/refused")"
fi
# chronos_rag's oldest version, loaded, then updated to the newest (the same
# while 1.0 is the only one: then the update is a no-op)
RAG_OLDEST=$(q postgres "SELECT version FROM pg_available_extension_versions WHERE name = 'chronos_rag'" | sort -V | head -n 1)
RAG_NEWEST=$(q postgres "SELECT default_version FROM pg_available_extensions WHERE name = 'chronos_rag'")
q "$UPD" "SET client_min_messages = warning" "ALTER EXTENSION chronos UPDATE" \
	"CREATE EXTENSION chronos_rag VERSION '$RAG_OLDEST'" >/dev/null &&
	pass "chronos updated to $(q "$UPD" "SELECT extversion FROM pg_extension WHERE extname = 'chronos'"), chronos_rag $RAG_OLDEST created" ||
	{ fail "ALTER EXTENSION chronos UPDATE, CREATE EXTENSION chronos_rag"; exit 1; }
run_file "$UPD" "$UPGRADE_DIR/rag_data.sql" "$WORK/upd.rag_load" && pass "test/upgrade/rag_data.sql loaded" ||
	{ fail "test/upgrade/rag_data.sql"; exit 1; }
q "$UPD" "SET client_min_messages = warning" "ALTER EXTENSION chronos_rag UPDATE" "ALTER EXTENSION chronos UPDATE" >/dev/null &&
	[ "$(q "$UPD" "SELECT extversion FROM pg_extension WHERE extname = 'chronos_rag'")" = "$RAG_NEWEST" ] &&
	pass "ALTER EXTENSION chronos_rag UPDATE ($RAG_OLDEST to $RAG_NEWEST) and chronos UPDATE beside it" ||
	fail "ALTER EXTENSION chronos_rag UPDATE to $RAG_NEWEST"
snapshots "$UPD" updated
same "updated: chronos's catalog equals the fresh one" "$WORK/fresh.chronos.catalog" "$WORK/updated.chronos.catalog"
same "updated: chronos_rag's catalog equals the fresh one" "$WORK/fresh.rag.catalog" "$WORK/updated.rag.catalog"
state "$UPD" "$WORK/updated.state"
n_ai=$(grep -c '^ai|' "$WORK/updated.state" || true)
n_search=$(grep -c '^search|' "$WORK/updated.state" || true)
[ "$n_ai" -ge 3 ] && [ "$n_search" -ge 6 ] && pass "updated: $n_ai days with ai_interactions, $n_search chunks found" ||
	fail "updated: $n_ai days with ai_interactions, $n_search chunks found: too few to compare"

# --- (c) dump and restore ------------------------------------------------------

RES=${UPD}_restored
echo "== (c) pg_dump -Fc of $UPD, pg_restore into $RES"
"$PGBIN/pg_dump" -Fc -d "$UPD" -f "$WORK/upd.dump"
new_rag_db "$RES"
rc=0
PGOPTIONS="${PGOPTIONS:-} -c session_replication_role=replica" "$PGBIN/pg_restore" --exit-on-error -d "$RES" \
	"$WORK/upd.dump" >"$WORK/restore.log" 2>&1 || rc=$?
if [ $rc -eq 0 ] && ! grep -qE 'ERROR|FATAL|WARNING' "$WORK/restore.log"; then
	pass "restored without error or warning"
	snapshots "$RES" restored
	same "restored: chronos's catalog equals the fresh one" "$WORK/fresh.chronos.catalog" "$WORK/restored.chronos.catalog"
	same "restored: chronos_rag's catalog equals the fresh one" "$WORK/fresh.rag.catalog" "$WORK/restored.rag.catalog"
	state "$RES" "$WORK/restored.state"
	same "restored: chronos_rag's rows, the ai_interactions figures and search_chunks's answers equal the dumped ones" \
		"$WORK/updated.state" "$WORK/restored.state"
	# a new reply counts on top of the restored figure
	read -r video day before < <(q "$RES" "SELECT video_id, \"date\", ai_interactions FROM chronos.video_analytics
		WHERE ai_interactions > 0 ORDER BY 3 DESC, 1, 2 LIMIT 1" | tr '|' ' ')
	q "$RES" "INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
		SELECT s.id, 'assistant', 'after the restore', ARRAY[k.id],
		       ('$day'::date + time '12:00') AT TIME ZONE c.timezone
		  FROM chronos_rag.video_chunks k JOIN chronos.creators c ON c.id = k.creator_id
		  JOIN chronos_rag.chat_sessions s ON s.creator_id = k.creator_id
		 WHERE k.video_id = '$video' ORDER BY k.id, s.id LIMIT 1" >/dev/null
	after=$(q "$RES" "SELECT ai_interactions FROM chronos.video_analytics WHERE video_id = '$video' AND \"date\" = '$day'")
	[ "$after" = $((before + 1)) ] && pass "restored: a new reply counts on top ($before -> $after)" ||
		fail "restored: a new reply made $before -> $after"
else
	fail "pg_restore (exit $rc):"
	sed 's/^/      /' "$WORK/restore.log" | head -n 30
fi

RES2=${UPD}_other_dims
echo "== (c') pg_restore into $RES2, whose chronos_rag.embedding_dimensions is not set"
new_rag_db "$RES2"
q postgres "ALTER DATABASE \"$RES2\" RESET chronos_rag.embedding_dimensions"
rc=0
PGOPTIONS="${PGOPTIONS:-} -c session_replication_role=replica" "$PGBIN/pg_restore" --exit-on-error -d "$RES2" \
	"$WORK/upd.dump" >"$WORK/restore2.log" 2>&1 || rc=$?
if [ $rc -ne 0 ] && grep -q 'expected 1536 dimensions, not 8' "$WORK/restore2.log"; then
	pass "restoring 8-dimension chunks where the setting is not 8 fails, naming the dimensions (docs/rag.md)"
else
	fail "restoring without the setting: exit $rc, $(grep -m 1 ERROR "$WORK/restore2.log" || echo no error)"
fi

checks_summary rag_lifecycle
