"""Demo data: generators for every app and the `seed_demo` command that composes them.

This package sits above every app (README, "Layout"): it may import all of them, and no
app imports it, so the production packages carry no demo code.
"""
