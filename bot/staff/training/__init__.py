"""Retraining from the staff workspace: one background run at a time, its evaluation, its record.

A run is a detached process (`python -m bot.staff.training JOB.json`) that trains a candidate
model into its own directory, then runs the project's evaluation on it (NLU cross-validation
and the conversation tests of tests/stories) and writes the result as JSON next to the model.
The run's stage lives in the database, so a reload or a restart of the workspace shows where
it is; the running Rasa servers are not touched until staff accept (bot/staff/rasa_servers.py).

One module per job: `settings` (what a training uses), `runs` (the runs in the database),
`launch` (starting and stopping the runner process), `runner` (the process itself) and
`evaluation` (Rasa's reports summed up). The table is bot/db/models/training.py.
"""

from bot.db.models.training import DEFAULT_FOLDS, KIND_TRAIN, STAGE_WAITING, TrainingRun
from bot.staff.training.evaluation import (
    EVALUATION_SUFFIX,
    STORY_FILE_SUFFIX,
    conversation_summary,
    evaluation_path,
    is_worse_on_conversations,
    load_evaluation,
    nlu_summary,
)
from bot.staff.training.launch import Job, start_run, stop_run
from bot.staff.training.runner import (
    HEARTBEAT_SECONDS,
    StepFailed,
    log_tail,
    main,
    persisted_nlu_data,
    run_job,
)
from bot.staff.training.runs import (
    KIND_MEASURE,
    RUNNING_STAGES,
    STAGE_CONVERSATION_TESTS,
    STAGE_CROSS_VALIDATION,
    STAGE_DONE,
    STAGE_FAILED,
    STAGE_TRAINING,
    STALE_AFTER,
    RunView,
    TrainingBusy,
    TrainingRuns,
)
from bot.staff.training.settings import (
    DEFAULT_RASA_URL,
    ENV_API_TOKEN,
    ENV_CONFIG,
    ENV_FOLDS,
    ENV_MODELS_DIR,
    ENV_RASA_URLS,
    PROJECT_ROOT,
    TrainingSettings,
)

__all__ = [
    "DEFAULT_FOLDS",
    "DEFAULT_RASA_URL",
    "ENV_API_TOKEN",
    "ENV_CONFIG",
    "ENV_FOLDS",
    "ENV_MODELS_DIR",
    "ENV_RASA_URLS",
    "EVALUATION_SUFFIX",
    "HEARTBEAT_SECONDS",
    "KIND_MEASURE",
    "KIND_TRAIN",
    "PROJECT_ROOT",
    "RUNNING_STAGES",
    "STAGE_CONVERSATION_TESTS",
    "STAGE_CROSS_VALIDATION",
    "STAGE_DONE",
    "STAGE_FAILED",
    "STAGE_TRAINING",
    "STAGE_WAITING",
    "STALE_AFTER",
    "STORY_FILE_SUFFIX",
    "Job",
    "RunView",
    "StepFailed",
    "TrainingBusy",
    "TrainingRun",
    "TrainingRuns",
    "TrainingSettings",
    "conversation_summary",
    "evaluation_path",
    "is_worse_on_conversations",
    "load_evaluation",
    "log_tail",
    "main",
    "nlu_summary",
    "persisted_nlu_data",
    "run_job",
    "start_run",
    "stop_run",
]
