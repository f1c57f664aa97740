"""messaging-platform's tooling: the offline planner, ``plan``/``check``, CRD validation and
stack-file reading.

Kept apart from the component library (``messaging_platform``), which uses only public Pulumi API
and accepts Pulumi >=3.260,<4: the in-process engine here drives SDK internals, so the tooling runs
only with an SDK release it was tested with (:func:`check_sdk`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

TESTED_PULUMI_RELEASES = ("3.272.0",)
"""The ``pulumi`` SDK releases the offline engine was tested with."""


class UnsupportedSdkError(RuntimeError):
    """The installed ``pulumi`` SDK is not one the tooling was tested with."""


def check_sdk() -> str:
    """The installed ``pulumi`` release; :class:`UnsupportedSdkError` if the tooling was not tested with it."""
    try:
        installed = version("pulumi")
    except PackageNotFoundError:
        raise UnsupportedSdkError("the pulumi SDK is not installed: pip install 'messaging-platform[tools]'") from None
    if installed not in TESTED_PULUMI_RELEASES:
        raise UnsupportedSdkError(
            f"messaging-platform's tooling drives Pulumi SDK internals and was tested with pulumi "
            f"{', '.join(TESTED_PULUMI_RELEASES)}, but {installed} is installed: "
            f"pip install 'pulumi=={TESTED_PULUMI_RELEASES[-1]}' in the environment that runs the tooling "
            "(the component library itself works with any pulumi >=3.260,<4)"
        )
    return installed
