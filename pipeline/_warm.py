"""Preloaded into the batch's forkserver only, after ``pipeline._deathsig``: the tasks'
modules and the shipped models, loaded once there, come to every worker with its fork
(shared, copy on write) instead of each worker importing them (about 0.5 CPU-s) and
loading the models (0.2 CPU-s) on its first task. A worker started later in the run (a
second one, one replacing a crashed one) is ready at once.

Nothing here may stop the forkserver: models that do not load are left for the worker
that needs them, which loads them itself and reports why they fail
(pipeline.batch._check_models). ``default_models`` checks the files' size and time on
every call, so a model changed after the preload is loaded again where it is used.
"""

from __future__ import annotations

import contextlib
import gc

import pipeline.batch  # noqa: F401 - the modules of the page and document tasks
from pipeline.correct import CorrectConfig
from pipeline.models import default_models

with contextlib.suppress(Exception):
    default_models().corrector(CorrectConfig())
# what is loaded now stays as it is: the workers' garbage collector leaves it alone, so
# it is not copied into each of them page by page
gc.freeze()
