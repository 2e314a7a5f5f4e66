#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print one line per KUnit test case in a KTAP log: "ok|fail suite.case".

Only test cases (the innermost results) are listed; suite lines are not.
"""
import re
import sys

suite_stack = []
cases = []
line_re = re.compile(r'^(\s*)(not ok|ok) \d+ (\S+)(.*)$')
name_re = re.compile(r'^(\s*)# Subtest: (\S+)')
for raw in sys.stdin:
    line = re.sub(r'^\[[ \d.]+\]\s?', '', raw.rstrip('\n'))
    m = name_re.match(line)
    if m:
        depth = max(len(m.group(1)) // 4, 1)
        del suite_stack[depth - 1:]
        suite_stack.append(m.group(2))
        continue
    m = line_re.match(line)
    if not m:
        continue
    depth = len(m.group(1)) // 4
    status, name, rest = m.group(2), m.group(3), m.group(4)
    if '# SKIP' in rest:
        continue
    if depth >= 1 and len(suite_stack) >= depth:
        # A result inside a suite: a test case.
        suite = suite_stack[depth - 1]
        if name != suite:
            cases.append(('ok' if status == 'ok' else 'fail', f'{suite}.{name}'))
for res, name in cases:
    print(res, name)
