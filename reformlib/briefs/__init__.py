"""Monthly briefs: what a brief says (:mod:`.content`), running its notebook with papermill into a
staging folder (:mod:`.run`), many units' results of a month computed at once
(:mod:`.units`, run by ``notebooks/units.ipynb``), the schedule of briefs due (:mod:`.schedule`, ``briefs.yml``),
batches of them on one kept kernel, on this machine's processes or a Dask cluster
(:mod:`.batch`), and publishing a finished brief by atomic renames (:mod:`.publish`).

The top layer. May import: every other part of reformlib, papermill, nbconvert, nbformat,
PyYAML and (imported only for a batch on a cluster) distributed. Nothing else in reformlib
imports it (only the command line does).
"""
