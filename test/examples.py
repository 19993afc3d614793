#!/usr/bin/env python3
"""test/examples.py: the SQL examples of README.md and docs/*.md, checked.

    examples.py extract FILE.md OUT_DIR   writes OUT_DIR/script.sql (the file's
                                          runnable ```sql blocks, in order, each
                                          after a marker line) and
                                          OUT_DIR/blocks.json; prints a summary
    examples.py compare OUT_DIR OUTPUT    compares psql's OUTPUT of script.sql
                                          with the outputs the file shows
    examples.py lint FILE.md              SQL hidden in indented code blocks

Conventions (docs/testing.md, "SQL examples"):
  - every ```sql fenced block is run, in the order of the file, in one psql
    session against a fresh copy of the demo database (so psql variables set
    with \\gset in one block are there in the next);
  - a ```text block that follows a ```sql block (only blank lines between) is
    that block's output as psql prints it; it is compared line by line,
    trailing spaces and trailing blank lines aside;
  - a ```sql block preceded by the line
        <!-- example: not run, REASON -->
    is not run (it needs pg_cron, Citus, another cluster ...); REASON is
    required and the run lists these blocks;
  - SQL in an indented (4-space) code block is an error: fence it.
"""
import json
import os
import re
import sys

MARK = '@@chronos-example@@'
NOT_RUN = re.compile(r'^\s*<!--\s*example:\s*not run\b[,:]?\s*(.*?)\s*-->\s*$')
FENCE = re.compile(r'^(\s*)(```+)\s*([A-Za-z0-9_+-]*)\s*$')
SQL_START = re.compile(r'^ {4,}(SELECT|INSERT|UPDATE|DELETE|BEGIN|SET|CREATE|ALTER|WITH|COMMIT|DROP|GRANT|TRUNCATE)\b')


def parse(path):
    """The fenced blocks of a markdown file: dicts with lang, start line,
    lines (indentation of the fence removed) and the preceding non-blank line."""
    lines = open(path, encoding='utf-8').read().split('\n')
    blocks, i, prev = [], 0, ''
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if lines[i].strip():
                prev = lines[i]
            i += 1
            continue
        indent, ticks, lang = m.group(1), m.group(2), m.group(3)
        start, body = i + 1, []
        i += 1
        while i < len(lines):
            m2 = FENCE.match(lines[i])
            if m2 and m2.group(2) == ticks and not m2.group(3):
                break
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        if i >= len(lines):
            sys.exit(f'{path}:{start}: a ``` block is not closed')
        blocks.append({'lang': lang, 'line': start, 'lines': body, 'prev': prev, 'end': i + 1})
        prev = lines[i]
        i += 1
    return lines, blocks


def extract(path, out):
    lines, blocks = parse(path)
    os.makedirs(out, exist_ok=True)
    runs, skipped, problems = [], [], []
    for k, b in enumerate(blocks):
        if b['lang'] != 'sql':
            continue
        m = NOT_RUN.match(b['prev'])
        if m:
            if not m.group(1):
                problems.append(f"{path}:{b['line']}: 'example: not run' needs a reason")
            skipped.append({'line': b['line'], 'reason': m.group(1)})
            continue
        expected = None
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        if nxt and nxt['lang'] == 'text' and all(not l.strip() for l in lines[b['end']:nxt['line'] - 1]):
            expected = nxt['lines']
        runs.append({'line': b['line'], 'sql': b['lines'], 'expected': expected})
    with open(os.path.join(out, 'script.sql'), 'w', encoding='utf-8') as f:
        for n, r in enumerate(runs):
            f.write(f"\\echo '{MARK} {n}'\n")
            f.write('\n'.join(r['sql']).rstrip('\n') + '\n')
        f.write(f"\\echo '{MARK} end'\n")
    json.dump({'file': path, 'runs': runs, 'skipped': skipped},
              open(os.path.join(out, 'blocks.json'), 'w'))
    for p in problems:
        print(p)
    print(f'{path}: {len(runs)} examples to run, {sum(r["expected"] is not None for r in runs)} '
          f'with output to compare, {len(skipped)} not run')
    for s in skipped:
        print(f'  not run: {path}:{s["line"]}: {s["reason"]}')
    return 1 if problems else 0


def norm(text_lines):
    out = [l.rstrip() for l in text_lines]
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def compare(out, output_path):
    meta = json.load(open(os.path.join(out, 'blocks.json')))
    text = open(output_path, encoding='utf-8', errors='replace').read().split('\n')
    parts, cur, seen_end = {}, None, False
    for line in text:
        if line.startswith(MARK + ' '):
            tag = line[len(MARK) + 1:].strip()
            if tag == 'end':
                seen_end = True
                cur = None
            else:
                cur = int(tag)
                parts[cur] = []
            continue
        if cur is not None:
            parts[cur].append(line)
    failures = 0
    if not seen_end:
        last = max(parts) if parts else None
        where = f"{meta['file']}:{meta['runs'][last]['line']}" if last is not None else meta['file']
        print(f'FAIL: the examples stopped at the one at {where} (an error: see above)')
        failures += 1
    for n, r in enumerate(meta['runs']):
        if r['expected'] is None or n not in parts:
            continue
        want, got = norm(r['expected']), norm(parts[n])
        if want != got:
            failures += 1
            print(f"FAIL: {meta['file']}:{r['line']}: the output differs from the one shown")
            print('  shown:')
            print('\n'.join('    |' + l for l in want))
            print('  actual:')
            print('\n'.join('    |' + l for l in got))
    compared = sum(1 for n, r in enumerate(meta['runs']) if r['expected'] is not None and n in parts)
    print(f"{meta['file']}: {len(parts)} of {len(meta['runs'])} examples ran, {compared} outputs compared, "
          f"{failures} failures")
    return 1 if failures else 0


def lint(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    in_fence, bad = False, 0
    for n, line in enumerate(lines, 1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence and SQL_START.match(line) and (n < 2 or not lines[n - 2].strip()
                                                       or lines[n - 2].startswith('    ')):
            print(f'FAIL: {path}:{n}: SQL in an indented code block is never checked; '
                  'fence it as ```sql (or mark it not run, with a reason)')
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'extract' and len(sys.argv) == 4:
        sys.exit(extract(sys.argv[2], sys.argv[3]))
    if cmd == 'compare' and len(sys.argv) == 4:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if cmd == 'lint' and len(sys.argv) == 3:
        sys.exit(lint(sys.argv[2]))
    sys.exit(__doc__)
