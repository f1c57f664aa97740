"""The plan folder: written whole beside its target, then swapped into place; never written through.

Guarantees (POSIX; the lock uses ``flock``):

- **Whole or not at all.** Files go into a fresh sibling folder (``.<name>.new-<hex>``, same file
  system), which then takes the target's place by ``rename``. A run that fails or is killed while
  writing leaves the previous plan as it was. Where Linux offers ``renameat2(RENAME_EXCHANGE)`` the
  two folders swap in one step; elsewhere the old folder is renamed away (``.<name>.old-<hex>``)
  and the new one renamed in, so for that instant the target does not exist (a reader sees no
  folder, never a mix), and a run killed right then leaves the previous plan in ``.<name>.old-<hex>``.
  Crash-safe, not power-loss-safe: files are not fsynced. Leftovers are removed by the next run.
- **Only our own folders are replaced.** A folder ``plan`` wrote holds :data:`MARKER`. A missing or
  empty target is fine; any other folder is refused (:class:`OutputFolderError`, exit 2) unless
  ``force``. A file is always refused.
- **No writes through links.** Nothing is written into an existing folder, so a ``plan.json`` or
  ``manifests`` link in an earlier plan is replaced along with the folder, never followed; a marker
  that is a link does not count. A target that is itself a link is refused, since following it
  would write wherever it points; with ``force`` the link itself is replaced by a folder and what
  it pointed to is left alone. Staged files are created with ``O_EXCL | O_NOFOLLOW``.
- **One writer at a time.** A non-blocking ``flock`` on ``.<name>.lock`` beside the target; a
  second run fails at once instead of waiting. The lock file stays: deleting it would let a third
  run lock a fresh file while the second still holds the old one.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

MARKER = ".messaging-platform-plan"
"""The file that marks a folder as written by ``plan`` (and so replaceable by it)."""
FOLDER_FORMAT_VERSION = 1
_MARKER_HEADER = "messaging-platform plan folder\n"
_MARKER_TEXT = (
    f"{_MARKER_HEADER}formatVersion: {FOLDER_FORMAT_VERSION}\n"
    "# `messaging-platform plan` replaces this folder as a whole on every run: files added here are lost.\n"
    "# Without this file, plan refuses to replace the folder unless given --force.\n"
)


class OutputFolderError(Exception):
    """The plan cannot be written where asked (exit 2): the message names the folder and the fix."""


def lock_path(folder: Path) -> Path:
    """The lock file a plan holds while it writes ``folder``."""
    folder = _absolute(folder)
    return folder.parent / f".{folder.name}.lock"


def check_target(folder: Path, *, force: bool = False) -> None:
    """Raise :class:`OutputFolderError` when ``folder`` may not be replaced (see the module doc)."""
    folder = _absolute(folder)
    if folder.parent == folder or folder.name in ("", ".", ".."):
        raise OutputFolderError(f"--out {folder}: plan needs a folder it can replace, not a file system root")
    if Path.cwd().is_relative_to(folder):
        raise OutputFolderError(f"--out {folder} holds the current directory; choose a folder of its own")
    if folder.is_symlink():
        if force:
            return
        raise OutputFolderError(
            f"--out {folder} is a symbolic link; plan never writes through links. Pass the folder it "
            f"points to, or --force to replace the link itself with a folder (its target is left alone)"
        )
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputFolderError(f"--out {folder} is a file, not a folder; choose a folder path for the plan")
    if force or _is_plan_folder(folder) or not any(folder.iterdir()):
        return
    raise OutputFolderError(
        f"refusing to replace {folder}: it holds files plan did not write (there is no {MARKER} in it); "
        f"choose another --out, or pass --force to replace the folder and everything in it"
    )


def replace_folder(folder: Path, files: Mapping[str, str], *, folders: Iterable[str] = (), force: bool = False) -> Path:
    """Write ``files`` (relative POSIX path -> text) and ``folders`` (created even when empty) as the
    whole content of ``folder``, plus the marker.

    Raises :class:`OutputFolderError` when the folder may not be replaced, another plan is writing
    it, or the file system refuses; the previous content is then untouched.
    """
    folder = _absolute(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            check_target(folder, force=force)
            _remove_leftovers(folder)
            staging = _new_sibling(folder, "new")
            try:
                for relative in folders:
                    _inside(staging, relative).mkdir(parents=True, exist_ok=True)
                for relative, text in {**files, MARKER: _MARKER_TEXT}.items():
                    write_new_file(staging, relative, text)
                _swap_in(staging, folder)
            finally:
                # After a swap this is the previous plan; after a failure, the partial new one.
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise OutputFolderError(f"cannot write the plan to {folder}: {exc}") from exc
    return folder


def write_new_file(root: Path, relative: str, text: str) -> Path:
    """Create ``root/relative`` (never an existing file, never through a link) holding ``text``."""
    path = _inside(root, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with os.fdopen(os.open(path, flags, 0o666), "w", encoding="utf-8") as stream:
        stream.write(text)
    return path


def _inside(root: Path, relative: str) -> Path:
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"plan file path {relative!r} would leave the plan folder")
    return root.joinpath(*parts)


def _absolute(folder: Path) -> Path:
    # abspath folds `..` lexically, so the name that gets replaced is the one written on the command line.
    return Path(os.path.abspath(folder))


def _is_plan_folder(folder: Path) -> bool:
    try:
        descriptor = os.open(folder / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False  # missing, a link, or unreadable: not a marker
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read(len(_MARKER_HEADER)) == _MARKER_HEADER.encode()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    path = lock_path(folder)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputFolderError(
                f"another plan is writing to {folder} (it holds {path}); wait for it to finish and run again"
            ) from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _new_sibling(folder: Path, role: str) -> Path:
    """A fresh, empty folder beside ``folder`` (same file system, so renames are atomic)."""
    while True:
        sibling = folder.parent / f".{folder.name}.{role}-{secrets.token_hex(4)}"
        try:
            sibling.mkdir()
            return sibling
        except FileExistsError:
            continue


def _remove_leftovers(folder: Path) -> None:
    """Staging folders of runs that were killed (the lock is held: no live run owns one)."""
    pattern = re.compile(re.escape(f".{folder.name}.") + r"(new|old)-[0-9a-f]{8}")
    for entry in folder.parent.iterdir():
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _swap_in(staging: Path, folder: Path) -> None:
    """Put ``staging`` at ``folder``; whatever was at ``folder`` ends up at ``staging`` (or is gone)."""
    if folder.is_symlink():
        folder.unlink()  # only with force (check_target): the link goes, what it points to stays
    if not os.path.lexists(folder):
        os.rename(staging, folder)
        return
    if _exchange(staging, folder):
        return
    old = _new_sibling(folder, "old")
    os.rename(folder, old)  # replaces the empty `old`; from here until the next rename, `folder` is absent
    try:
        os.rename(staging, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    os.rename(old, staging)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the OS or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # glibc before 2.28, or another libc
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # e.g. a file system without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(second))
