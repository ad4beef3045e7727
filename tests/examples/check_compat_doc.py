#!/usr/bin/env python3
"""docs/libtorch-compat.md against tests/examples/libtorch_compat_test.cpp: every row marked "supported" must have a
COMPAT("name") block in the test (which compiles and checks a use of it), every block a supported row, and no
"not yet" row a block. usage: check_compat_doc.py DOC TEST"""
import re
import sys


def main():
    doc, test = open(sys.argv[1]).read(), open(sys.argv[2]).read()
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*(supported|not yet)[^|]*\|", doc, re.M)
    supported = {name for name, status in rows if status == "supported"}
    missing = {name for name, status in rows if status == "not yet"}
    tested = set(re.findall(r'COMPAT\("([^"]+)"\)', test))
    problems = []
    problems += [f"documented as supported, but no COMPAT(\"{n}\") block in the test" for n in sorted(supported - tested)]
    problems += [f"COMPAT(\"{n}\") in the test, but no 'supported' row in the document" for n in sorted(tested - supported)]
    problems += [f"'{n}' is documented as 'not yet' but the test uses it" for n in sorted(missing & tested)]
    dupes = {name for name, _ in rows if sum(1 for r, _ in rows if r == name) > 1}
    problems += [f"'{n}' has more than one row" for n in sorted(dupes)]
    for p in problems:
        print("FAIL:", p)
    print(f"{len(supported)} supported entries, all tested; {len(missing)} listed as not yet" if not problems else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
