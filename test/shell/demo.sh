#!/usr/bin/env bash
# test/shell/demo.sh: the README's demo command, and its pictures.
#
# Runs bash demo/run.sh --svg DIR (its own throwaway cluster, next to the
# harness's: another socket folder, port PGPORT + 2) and checks
#   - its output: no stray result table (a set_config or ?column? header),
#     the four callers of the row-level-security table with what each may
#     see (Chloe fewer sessions than Maya, Maya fewer than the service, anon
#     nothing), Chloe's refused dashboard, the weekly heatmap (a header and 7
#     rows, Monday first, 24 hours each), the retention curve (10 buckets);
#   - the SVG files: well-formed, the declared size (retention 720 x 360,
#     heatmap 760 x 260), the heatmap 7 x 24 cells, the retention curve two
#     lines of 50 points; then rendered by headless Chromium (Debian's
#     chromium, installed when missing): the image loads at its declared
#     size, and the screenshot is not blank (enough non-white pixels, several
#     colours, the curves' blue and red, the heatmap's blue cells).
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

WORK=$(mktemp -d /tmp/chronos-demo-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v python3 >/dev/null || ensure_packages python3
CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then
	ensure_packages chromium
	CHROMIUM=$(command -v chromium) || fail "chromium is not installed"
fi

# 1. the demo, with its pictures
port=$((${PGPORT:-56510} + 2))
CHRONOS_PGPORT=$port bash "$CHRONOS_ROOT/demo/run.sh" --svg "$WORK/svg" >"$WORK/out" 2>"$WORK/err" ||
	{ cat "$WORK/out" "$WORK/err"; fail "bash demo/run.sh --svg failed"; }
out=$WORK/out

if grep -nE '^ *(set_config|\?column\?) *(\||$)' "$out"; then fail "stray result tables in the demo's output"; fi
grep -q 'Row-level security' "$out" || fail "no row-level-security section"
# caller | students | videos | courses | sessions | events | rollups
row() { grep -E "^ *$1" "$out" | head -n 1 | awk -F'|' '{gsub(/ /, "", $5); print $5}'; }
svc=$(row 'the service') maya=$(row 'Maya, creator') chloe=$(row 'Chloe, student') anon=$(row 'anon')
echo "sessions seen: service $svc, Maya $maya, Chloe $chloe, anon $anon"
[ -n "$svc" ] && [ -n "$maya" ] && [ -n "$chloe" ] && [ -n "$anon" ] || fail "the row-level-security table is missing a caller"
[ "$chloe" -gt 0 ] && [ "$chloe" -lt "$maya" ] && [ "$maya" -lt "$svc" ] && [ "$anon" -eq 0 ] ||
	fail "row-level security not visible: service $svc, Maya $maya, Chloe $chloe, anon $anon sessions"
grep -q 'ERROR: *permission denied to read the dashboard of creator 10000000-0000-4000-8000-000000000001' "$WORK/err" ||
	fail "Chloe's request for Maya's dashboard was not refused"
grep -E '^ *hour +\|' "$out" >/dev/null || fail "no heatmap header"
days=$(grep -cE '^ *(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +\| ' "$out" || true)
[ "$days" -eq 7 ] || fail "the heatmap has $days day rows, not 7"
[ "$(grep -E '^ *(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +\| ' "$out" | head -n 1 | awk '{print $1}')" = Mon ] ||
	fail "the heatmap does not start on Monday"
grep -E '^ *(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +\| ' "$out" | while IFS='|' read -r _ cells; do
	n=$(echo "$cells" | wc -w)
	[ "$n" -eq 24 ] || { echo "a heatmap row has $n cells: $cells"; exit 1; }
done || fail "a heatmap row is not 24 hours"
grep -q 'Audience retention' "$out" || fail "no retention curve"
grep -q 'Views per day' "$out" || fail "no views per day"
echo "demo output: no stray tables; RLS, heatmap (7 x 24, Monday first), retention and views per day shown"

# 2. the SVG files, as files
python3 - "$WORK/svg" <<'PY' || fail "the SVG files are not what demo/svg.sql should write"
import sys, xml.etree.ElementTree as ET
d = sys.argv[1]
ns = '{http://www.w3.org/2000/svg}'
r = ET.parse(f'{d}/retention.svg').getroot()
h = ET.parse(f'{d}/heatmap.svg').getroot()
assert (r.get('width'), r.get('height')) == ('720', '360'), (r.get('width'), r.get('height'))
assert (h.get('width'), h.get('height')) == ('760', '260'), (h.get('width'), h.get('height'))
lines = {p.get('id'): p.get('points').split() for p in r.iter(ns + 'polyline')}
assert set(lines) == {'reach', 'plays'}, lines.keys()
assert all(len(v) == 50 for v in lines.values()), [len(v) for v in lines.values()]
# plays is never below reach: its y is never lower on the page (y grows downwards)
for a, b in zip(lines['reach'], lines['plays']):
    assert float(b.split(',')[1]) <= float(a.split(',')[1]) + 0.05, (a, b)
cells = [c for c in h.iter(ns + 'rect') if c.get('class') == 'cell']
assert len(cells) == 7 * 24, len(cells)
assert cells[0].find(ns + 'title').text.startswith('Mon 0:00'), cells[0].find(ns + 'title').text
busy = [c for c in cells if c.get('fill') != '#eeeeee']
assert 0 < len(busy) < 168, len(busy)
print(f'svg: retention 720x360, 2 lines of 50 points; heatmap 760x260, 168 cells, {len(busy)} busy')
PY

# 3. rendered by headless Chromium
chrome() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$WORK/profile" --hide-scrollbars --allow-file-access-from-files "$@" 2>>"$WORK/chromium.log"
}
for pic in retention:720:360 heatmap:760:260; do
	IFS=: read -r name w h <<<"$pic"
	cat >"$WORK/$name.html" <<EOF
<!DOCTYPE html><html><head><style>html,body{margin:0;padding:0;background:#fff}</style></head>
<body><img id="p" src="svg/$name.svg"><pre id="size"></pre>
<script>
const img = document.getElementById('p');
function report() { document.getElementById('size').textContent =
  'loaded=' + (img.complete && img.naturalWidth > 0) + ' size=' + img.naturalWidth + 'x' + img.naturalHeight; }
if (img.complete) report(); else { img.onload = report; img.onerror = report; }
</script></body></html>
EOF
	rm -rf "$WORK/profile"
	chrome --virtual-time-budget=5000 --dump-dom "file://$WORK/$name.html" >"$WORK/$name.dom" ||
		{ tail -n 20 "$WORK/chromium.log"; fail "chromium could not load $name.html"; }
	size=$(grep -o 'loaded=[a-z]* size=[0-9]*x[0-9]*' "$WORK/$name.dom" || true)
	[ "$size" = "loaded=true size=${w}x${h}" ] || { tail -n 20 "$WORK/chromium.log"; fail "$name.svg in Chromium: '$size', not ${w}x${h}"; }
	rm -rf "$WORK/profile"
	chrome --window-size="$w,$h" --screenshot="$WORK/$name.png" "file://$WORK/svg/$name.svg" >/dev/null ||
		{ tail -n 20 "$WORK/chromium.log"; fail "chromium could not render $name.svg"; }
	python3 - "$WORK/$name.png" "$w" "$h" "$name" <<'PY' || fail "$name.svg renders wrong"
import struct, sys, zlib
path, W, H, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', chunk)
    elif kind == b'IDAT': idat += chunk
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = ihdr
assert (w, h) == (W, H), f'screenshot is {w}x{h}, not {W}x{H}'
assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
bpp = 4 if ctype == 6 else 3
raw, stride, prev, px = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    px.extend(tuple(line[i:i + 3]) for i in range(0, stride, bpp))
    prev = line
total = len(px)
ink = sum(1 for p in px if p != (255, 255, 255))
colours = len(set(px))
blue = sum(1 for r, g, b in px if b > 200 and r < 120)
red = sum(1 for r, g, b in px if r > 200 and g < 120 and b < 90)
print(f'{name}: {w}x{h}, {100 * ink / total:.1f}% drawn, {colours} colours, {blue} blue, {red} red pixels')
assert 0.02 < ink / total < 0.9, 'blank, or all ink'
assert colours >= 4, 'too few colours'
assert blue > 200, 'no blue curve or cells'
if name == 'retention':
    assert red > 200, 'no red plays curve'
PY
done
echo "the demo's SVG pictures render in Chromium at their size, not blank"
