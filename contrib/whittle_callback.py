"""Stream Hugging Face Trainer (and TRL) logs to whittle as they happen.

The Trainer writes trainer_state.json only at checkpoints, and transformers
v5 reports to TensorBoard only when asked (report_to="tensorboard"). This
callback appends every log to $WHITTLE_METRICS as one JSON line, which the
whittle engine reads while the run goes on:

    from whittle_callback import WhittleCallback
    trainer = Trainer(..., callbacks=[WhittleCallback()])

and launch the script as a run:  whittle engine submit -- torchrun ... train.py
Only the main process (world rank 0) writes. Outside whittle (no
$WHITTLE_METRICS) the callback does nothing. See whittle-engine(7).
"""
import json
import math
import os
import time

from transformers import TrainerCallback


class WhittleCallback(TrainerCallback):
    """Append {"step", "time", "max_steps", "tokens"?, <metric>: value, ...}
    per log; whittle turns max_steps into the job's progress."""

    def __init__(self, path=None):
        self.path = path or os.environ.get("WHITTLE_METRICS")

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not self.path or not logs or not state.is_world_process_zero:
            return
        line = {"step": state.global_step, "time": time.time()}
        if state.max_steps:
            line["max_steps"] = state.max_steps
        tokens = getattr(state, "num_input_tokens_seen", 0)
        if tokens:
            line["tokens"] = tokens
        for key, value in logs.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            line[key] = value if math.isfinite(value) else None
        # One write of one whole line: a reader never sees half of it.
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, allow_nan=False) + "\n")
