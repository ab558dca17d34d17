"""A corpus of messy files as offices send them, written by :mod:`corpus.make_corpus` at test time."""
