"""The ``messaging-platform`` console script: checks the environment before importing the commands.

The commands import the offline engine (SDK internals) and the ``[tools]`` extra's packages; a
project that installed only the library, or another ``pulumi`` release, gets exit code 2 and what
to install instead of an import error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import UnsupportedSdkError, check_sdk

EXIT_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``messaging-platform`` command once the SDK and the tools extra are known to be there."""
    try:
        check_sdk()
        from .cli import main as run_command
    except UnsupportedSdkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except ModuleNotFoundError as exc:
        print(
            f"error: the messaging-platform tooling needs the package '{exc.name}', which the library alone does "
            "not install: pip install 'messaging-platform[tools]'",
            file=sys.stderr,
        )
        return EXIT_INPUT
    return run_command(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
