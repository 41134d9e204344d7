#!/usr/bin/env python3
"""Embed a text file as a C string constant: embed-file.py INPUT OUTPUT SYMBOL.

Used instead of GResource so that the binary does not need libgio at run time
(offline verbs must load as few shared libraries as possible).

A RELAX NG grammar (.rng) whose <start> is a <choice> of <ref>s is embedded
as one grammar per ref instead: that define as the start, only the defines it
reaches, no comments, no blanks between tags.  SYMBOL is then an array of
struct EmbeddedGrammar { start, grammar, lean, lean_without } ending with
NULLs.  Every edit compiles the grammar of the one kind of block it
validates; compiling the whole grammar cost more than parsing a 200-device
domain's hostdevs.  LEAN is that grammar without its optional elements
(LEAN_WITHOUT names them, space-separated and -enclosed): what a block
holding none of them is checked against (libxml2 spends ~18,000
instructions compiling each construct of a grammar)."""
import sys
import xml.etree.ElementTree as ET

RNG = 'http://relaxng.org/ns/structure/1.0'


def c_string(text):
    lines = []
    for line in text.splitlines(keepends=True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
        lines.append('  "' + esc + '"')
    return '\n'.join(lines) or '  ""'


def strip_blanks(elem):
    for e in elem.iter():
        if e.text is not None and not e.text.strip():
            e.text = None
        if e.tail is not None and not e.tail.strip():
            e.tail = None


def refs(elem):
    return {r.get('name') for r in elem.iter('{%s}ref' % RNG)}


def grammar_for(root, start_name):
    defines = {d.get('name'): d for d in root.findall('{%s}define' % RNG)}
    seen, todo = set(), [start_name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in defines:
            sys.exit('embed-file.py: <ref name="%s"/> has no define' % name)
        seen.add(name)
        todo.extend(refs(defines[name]))
    g = ET.Element(root.tag, root.attrib)
    start = ET.SubElement(g, '{%s}start' % RNG)
    ET.SubElement(start, '{%s}ref' % RNG, name=start_name)
    for name, d in defines.items():
        if name in seen:
            g.append(d)
    return ET.tostring(g, encoding='unicode') + '\n'


def optional_element(opt, defines):
    """The element name an <optional> holds alone (directly, or as a ref to
    a define of just that element), else None."""
    kids = list(opt)
    if len(kids) != 1:
        return None
    k = kids[0]
    if k.tag == '{%s}ref' % RNG:
        d = defines.get(k.get('name'))
        if d is None or len(d) != 1:
            return None
        k = d[0]
    return k.get('name') if k.tag == '{%s}element' % RNG else None


def lean_grammar(text):
    """The grammar without its optional elements (but <address>, which
    nearly every block has), and their names: a block holding none of them
    validates against it exactly as against the whole grammar, since each
    optional removed matches nothing in it."""
    g = ET.fromstring(text)
    defines = {d.get('name'): d for d in g.findall('{%s}define' % RNG)}
    removed = set()
    for parent in list(g.iter()):
        for child in list(parent):
            name = optional_element(child, defines) if child.tag == '{%s}optional' % RNG else None
            if name and name != 'address':
                parent.remove(child)
                removed.add(name)
    start = g.find('{%s}start/{%s}ref' % (RNG, RNG)).get('name')
    lean = grammar_for(g, start)
    return lean, ' %s ' % ' '.join(sorted(removed))


def grammar_entry(root, name):
    text = grammar_for(root, name)
    lean, without = lean_grammar(text)
    return '  { "%s",\n%s,\n%s,\n  "%s" },' % (name, c_string(text), c_string(lean), without)


def embed_grammar(src, symbol):
    ET.register_namespace('', RNG)
    root = ET.parse(src).getroot()
    strip_blanks(root)
    choice = root.find('{%s}start/{%s}choice' % (RNG, RNG))
    starts = [r.get('name') for r in choice.findall('{%s}ref' % RNG)] if choice is not None else []
    if not starts:
        sys.exit('embed-file.py: %s: <start> is not a <choice> of <ref>s' % src)
    entries = [grammar_entry(root, name) for name in starts]
    return ('struct EmbeddedGrammar {\n  const char *start, *grammar, *lean, *lean_without;\n};\n'
            'extern const struct EmbeddedGrammar %s[];\n'
            'const struct EmbeddedGrammar %s[] = {\n%s\n  { 0, 0, 0, 0 }\n};\n'
            % (symbol, symbol, '\n'.join(entries)))


def main():
    src, dst, symbol = sys.argv[1:4]
    if src.endswith('.rng'):
        body = embed_grammar(src, symbol)
    else:
        with open(src, encoding='utf-8') as f:
            body = 'const char %s[] =\n%s;\n' % (symbol, c_string(f.read()))
    with open(dst, 'w', encoding='utf-8') as f:
        f.write('/* generated from %s by embed-file.py; do not edit */\n' % src.split('/')[-1])
        f.write(body)


main()
