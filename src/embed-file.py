#!/usr/bin/env python3
"""Embed a text file as a C string constant: embed-file.py INPUT OUTPUT SYMBOL.

Used instead of GResource so that the binary does not need libgio at run time
(offline verbs must load as few shared libraries as possible).

An XML grammar (.rng) is embedded without its comments and the blanks between
tags (and its XML declaration): every edit parses it once, and the comments
are most of its bytes."""
import re
import sys

src, dst, symbol = sys.argv[1:4]
with open(src, encoding='utf-8') as f:
    text = f.read()
if src.endswith('.rng'):
    text = re.sub(r'<!--.*?-->|<\?xml[^>]*\?>', '', text, flags=re.S)
    text = re.sub(r'>\s+<', '><', text).strip() + '\n'
lines = []
for line in text.splitlines(keepends=True):
    esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    lines.append('  "' + esc + '"')
with open(dst, 'w', encoding='utf-8') as f:
    f.write('/* generated from %s by embed-file.py; do not edit */\n' % src.split('/')[-1])
    f.write('const char %s[] =\n%s;\n' % (symbol, '\n'.join(lines) or '  ""'))
