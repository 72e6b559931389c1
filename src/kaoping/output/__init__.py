"""Presenting results: the pinned JSON document, terminal tables, Excel workbooks, explanations."""
