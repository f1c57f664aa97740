"""messaging-platform: read the stack config, build the platform, export what clients need."""

import gc

from messaging_platform import build_platform, export_outputs
from messaging_platform.config import config_errors_exit, from_pulumi

# A program run keeps thousands of long-lived objects (resources, outputs, futures) and makes few
# reference cycles; at its default thresholds Python's collector rescans them over and over. Freeze
# what the imports made and collect rarely (README, "Performance": measured under `pulumi preview`).
gc.freeze()
gc.set_threshold(50_000, 1000, 1000)

with config_errors_exit():
    export_outputs(build_platform(from_pulumi()))
