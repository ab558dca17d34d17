"""Monthly briefs: what a brief says (:mod:`.content`), running its notebook with papermill into a
staging folder (:mod:`.run`), the schedule of briefs due (:mod:`.schedule`, ``briefs.yml``)
and publishing a finished brief by atomic renames (:mod:`.publish`).

The top layer. May import: every other part of reformlib, papermill, nbconvert, nbformat
and PyYAML. Nothing else in reformlib imports it (only the command line does).
"""
