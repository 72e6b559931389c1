"""The engine (计算引擎): pure functions from facts and a scheme to results with their explanations.

It imports no store, web, api or io code (an import-linter contract checked in the suite): it takes frames
and models and returns values, so it is fast to test, reusable for what-if and benchmarks.
"""
