#!/usr/bin/python3
"""docs/results.md shows the results layout as io/results_schema.hpp defines it: the tables
between its 'results_layout markdown' markers are exactly what `results_layout markdown` prints.
Regenerate them with that command after changing the layout.

usage: results_docs.py RESULTS_LAYOUT_BINARY DOCS_RESULTS_MD"""
import subprocess
import sys

BEGIN = "<!-- results_layout markdown: begin -->\n"
END = "<!-- results_layout markdown: end -->\n"
layout, doc = sys.argv[1], open(sys.argv[2]).read()
tables = subprocess.run([layout, "markdown"], capture_output=True, text=True, check=True).stdout
if BEGIN not in doc or END not in doc:
    sys.exit(f"FAIL: {sys.argv[2]} lacks the markers {BEGIN.strip()} / {END.strip()}")
shown = doc[doc.index(BEGIN) + len(BEGIN):doc.index(END)]
if shown != tables:
    sys.exit(f"FAIL: the tables in {sys.argv[2]} differ from `results_layout markdown`; regenerate them")
print("docs/results.md matches the results layout")
