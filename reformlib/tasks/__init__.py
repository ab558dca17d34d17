"""The task ledger: progress of the year's reform tasks against their deadlines and schedules.

- :mod:`.ledger`: the task x month status panel, completion and on-time rates by group;
- :mod:`.warning`: the early warning of tasks likely to miss their deadline (a logistic
  model on the ledger's own columns) and its out-of-time validation, with task-clustered
  bootstrap intervals scored by :mod:`.scoring`; :mod:`.reasons` puts a task's risk into
  words;
- :mod:`.oversight`: documents issued on time and inspection problems rectified.

Each task's status in a month comes from :mod:`reformlib.data.task_status`.

May import: numpy, pandas, scikit-learn, :mod:`reformlib.data`, :mod:`reformlib.i18n` and
:mod:`reformlib.errors`; nothing from the model, stats, report or briefs.
"""
