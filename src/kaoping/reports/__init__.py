"""Bulletins (考评通报): the period's results, their reasons and case metrics as Excel or PDF files."""
