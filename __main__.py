"""messaging-platform: read the stack config, build the platform, export what clients need."""

from messaging_platform import build_platform, export_outputs
from messaging_platform.config import config_errors_exit, from_pulumi

with config_errors_exit():
    export_outputs(build_platform(from_pulumi()))
