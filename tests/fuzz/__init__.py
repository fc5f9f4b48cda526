"""Property-based fuzzing of wmdsl: generators of valid specs, hostile text and mutations.

See docs/fuzzing.md.
"""
