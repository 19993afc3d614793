#!/usr/bin/env bash
# test/shell/node_client.sh: the README's Node.js client section, run.
#
# Installs Node.js and npm from Debian when missing, and the npm package pg
# (node-postgres) into /var/cache/chronos-node (CHRONOS_NODE_CACHE; outside
# the repository) when it is not there yet.  Loads the demo's data set
# (demo/data.sql, with the roles anon, authenticated and authenticator),
# takes the ```js block of README.md that defines watchRoute, as written, and
# drives it against the test cluster connected as authenticator, the way the
# README says: a video event, a session, numbered heartbeats (one resent:
# it counts once), the end, the completion; another student is refused.  It
# also checks every row of the README's table of what node-postgres returns
# for chronos's types.
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

shell_test_begin node chronos_s_node_client 56512
command -v python3 >/dev/null || ensure_packages python3
command -v node >/dev/null || ensure_packages nodejs
command -v npm >/dev/null || ensure_packages npm
CACHE=${CHRONOS_NODE_CACHE:-/var/cache/chronos-node}
mkdir -p "$CACHE"
(
	flock 9
	if [ ! -f "$CACHE/node_modules/pg/package.json" ]; then
		echo "installing the npm package pg into $CACHE"
		npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error pg@8 >"$WORK/npm.log" 2>&1 ||
			{ cat "$WORK/npm.log"; exit 1; }
	fi
) 9>"$CACHE.lock" || fail "npm install pg failed"
echo "node $(node --version), pg $(node -p "require('$CACHE/node_modules/pg/package.json').version")"

psql_quiet -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS chronos"
psql_quiet -f "$CHRONOS_ROOT/demo/data.sql" >/dev/null

# The README's block, as written: the ```js block that defines watchRoute.
python3 - "$CHRONOS_ROOT/README.md" "$WORK/route.js" <<'PY'
import re, sys
text = open(sys.argv[1], encoding='utf-8').read()
blocks = re.findall(r'^```js\n(.*?)^```', text, re.S | re.M)
mine = [b for b in blocks if 'watchRoute' in b and 'module.exports' in b]
if len(mine) != 1:
    sys.exit(f'README.md: expected one ```js block defining watchRoute, found {len(mine)}')
open(sys.argv[2], 'w').write(mine[0])
PY
lines=$(wc -l <"$WORK/route.js")
echo "README's route: $lines lines"

cat >"$WORK/drive.js" <<'JS'
const assert = require('node:assert/strict');
const { Client } = require('pg');
const { watchRoute, pool } = require(process.env.ROUTE);

const ben = '20000000-0000-4000-8000-000000000002', maya = '10000000-0000-4000-8000-000000000001';
const loom = '30000000-0000-4000-8000-000000000002';

(async () => {
  // the service's connection (postgres, a superuser), for the checks
  const svc = new Client({ user: 'postgres' });
  await svc.connect();

  // 1. what node-postgres returns for chronos's types (the README's table)
  const t = (await svc.query(`
    SELECT s.id, s.watch_time_seconds, s.watch_time_ms, count(*) OVER () AS n, s.last_position_seconds,
           chronos.get_resume_position(s.student_id, s.video_id) AS resume, chronos.coverage(s.watched) AS coverage,
           s.completed, s.session_start, s.metadata, chronos.course_progress(s.student_id, s.course_id) AS progress,
           s.watched, '{[1,4)}'::int8multirange AS seqs, s.device_type, v.source_type,
           (SELECT min(event_type) FROM chronos.video_analytics_events) AS event_type,
           ARRAY[s.creator_id, s.student_id] AS ids
      FROM chronos.video_watch_sessions s JOIN chronos.videos v ON v.id = s.video_id
     WHERE s.id = '60000000-0000-4000-8000-000000000001'`)).rows[0];
  const expect = { id: 'string', watch_time_seconds: 'number', watch_time_ms: 'string', n: 'string',
                   last_position_seconds: 'string', resume: 'string', coverage: 'string', completed: 'boolean',
                   device_type: 'string', source_type: 'string', event_type: 'string', watched: 'string', seqs: 'string' };
  for (const [k, type] of Object.entries(expect)) assert.equal(typeof t[k], type, `${k}: ${typeof t[k]}`);
  assert.ok(t.session_start instanceof Date, 'timestamptz is a Date');
  assert.ok(t.metadata !== null && typeof t.metadata === 'object', 'jsonb is an object');
  assert.equal(typeof t.progress.percent_complete, 'number', 'jsonb numbers are numbers');
  assert.ok(Array.isArray(t.ids) && t.ids.every((x) => typeof x === 'string'), 'uuid[] is string[]');
  assert.equal(t.watched, '{[0,420)}');
  assert.equal(t.seqs, '{[1,4)}');
  console.log('types as the README says:', JSON.stringify({ ...t, progress: '…', session_start: 'Date' }));

  // 2. the route, as Ben (user_ben), connected as authenticator
  const ev = await watchRoute('user_ben', { action: 'event', type: 'video_started', videoId: loom, creatorId: maya, studentId: ben });
  assert.match(ev.id, /^[0-9a-f-]{36}$/);
  const { id: session } = await watchRoute('user_ben', { action: 'start', studentId: ben, videoId: loom, device: 'desktop' });
  assert.match(session, /^[0-9a-f-]{36}$/);
  let r = await watchRoute('user_ben', { action: 'beat', sessionId: session, from: 0, to: 20, seq: 1 });
  assert.deepEqual(r, { watched: '{[0,20)}', watch_time_seconds: 20, percent_complete: 6, completed: false });
  // the demo runs in an instant: as the service, the player opened 10 minutes ago
  await svc.query(`UPDATE chronos.video_watch_sessions SET session_start = now() - interval '10 minutes' WHERE id = $1`, [session]);
  r = await watchRoute('user_ben', { action: 'beat', sessionId: session, from: 20, to: 150, seq: 2 });
  assert.equal(r.watch_time_seconds, 150);
  const again = await watchRoute('user_ben', { action: 'beat', sessionId: session, from: 20, to: 150, seq: 2 });
  assert.deepEqual(again, r, 'a resent heartbeat (same p_seq) changes nothing');
  r = await watchRoute('user_ben', { action: 'beat', sessionId: session, from: 150, to: 280, seq: 3 });
  assert.deepEqual(r, { watched: '{[0,280)}', watch_time_seconds: 280, percent_complete: 93, completed: true });
  // Chloe may not send Ben's heartbeats: the session does not exist for her
  await assert.rejects(watchRoute('user_chloe', { action: 'beat', sessionId: session, from: 280, to: 290, seq: 4 }),
                       (e) => e.code === '23503');
  const end = await watchRoute('user_ben', { action: 'end', sessionId: session });
  assert.ok(end.session_end instanceof Date);
  const done = await watchRoute('user_ben', { action: 'done', studentId: ben, videoId: loom });
  assert.deepEqual(done, { completed: true, resume_at: '280' });
  const events = (await svc.query(`SELECT event_type, count(*)::int AS n FROM chronos.video_analytics_events
                                    WHERE session_id = $1 GROUP BY 1 ORDER BY 1`, [session])).rows;
  assert.deepEqual(events.map((e) => `${e.event_type}:${e.n}`),
                   ['video_started:1', 'video_progress:5', 'video_completed:1']);
  console.log('route: event, session, 4 heartbeats (one resent), end, completion:', JSON.stringify(done));
  await svc.end();
  await pool.end();
})().catch((e) => { console.error('FAIL:', e); process.exit(1); });
JS
PGUSER=authenticator ROUTE="$WORK/route.js" NODE_PATH="$CACHE/node_modules" node "$WORK/drive.js" ||
	fail "the README's Node.js route does not work as written"
echo "the README's Node.js route and type table hold"
