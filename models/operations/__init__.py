"""Workflow rules: each operation checks its preconditions, changes rows and flushes.

Operations never commit (the view, CLI command or test that calls them does) and raise one
``DomainError`` with a translated message when a rule refuses.
"""
