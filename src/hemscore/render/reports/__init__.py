"""Reports of the analysis commands (compare, plan, sensitivity, diff).

One module per command, each turning the command's pure result into text: ``to_dict`` (the
JSON contract), ``render_json`` and the human formats. Only the ``render_table`` functions
import Rich, and only when called, so ``--format json`` never pays for it.
"""

REPORT_SCHEMA_VERSION = "1.0"
