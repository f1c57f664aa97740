"""messaging-platform: read the stack config, build the platform, export what clients need."""

from messaging_platform import build_platform, export_outputs
from messaging_platform.config import from_pulumi

export_outputs(build_platform(from_pulumi()))
