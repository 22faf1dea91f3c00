"""The intake wing's reader, free of any domain: open a table, find its header, units and mapping,
clean its cells and rows, find totals and notes rows, and neutralise formulas on the way out.

Columns (``columns.ImportField``, read from a domain's data/columns.yaml) and identity rules come in as parameters; no field
name of a domain is written here.
"""
