"""The data layer: where the files are (:mod:`.paths`), what each table holds (:mod:`.schemas`),
how a month is read (:mod:`.periods`), how a file's text is decoded and split into records
(:mod:`.textfile`), how a file becomes a validated DataFrame (:mod:`.reading`, :mod:`.io`),
and each task's status in a month (:mod:`.task_status`), the one reading of the task ledger
that the model and the task analytics share.

May import: pandas, numpy, pandera, pyarrow, :mod:`reformlib.errors` and
:mod:`reformlib.provenance`; nothing from the model, tasks, stats, report or briefs.
"""
