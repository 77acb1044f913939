"""One document's Jupyter kernel session: where its connection file lives, and its limits.

- The connection file (it holds the key that authenticates messages to the kernel) is written
  into a private folder that the build owns (`.bookcache/kernels/<build pid>/`, mode 0700) and
  deleted as soon as the kernel is up; the build removes the folder when it ends.
- The kernel ends with the worker process that started it (see `bookrender.kernel_side`).
- The document's output budget (`bookrender.limits`): output beyond it is dropped and the
  running cell interrupted, so a cell printing without end neither fills the memory nor hangs
  the build. An interrupt can go unanswered (the cell ignores SIGINT, or the signal lands inside
  the kernel's own output flush), so a kernel whose cell has not ended `OVERFLOW_GRACE_SECONDS`
  after the overflow is killed; the client then finds it dead, which the build reports as the
  overflow.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from nbclient import NotebookClient
from nbclient.util import ensure_async

__all__ = ["OVERFLOW_GRACE_SECONDS", "BookClient", "message_size"]

#: how long a cell may take to end after its interrupt for too much output before its kernel is killed
OVERFLOW_GRACE_SECONDS = 5.0


def message_size(msg: dict) -> int:
    """The characters of output a kernel message carries (stream text, display data, traceback)."""
    content = msg.get("content") or {}
    size = len(content.get("text") or "")
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(str(value))
    size += sum(len(line) for line in content.get("traceback") or [])
    return size


class BookClient(NotebookClient):
    """A notebook client with a private connection file and an output budget for the document."""

    def configure(self, connection_dir: Path, limit_bytes: int) -> "BookClient":
        name = f"kernel-{uuid.uuid4().hex}"
        self.connection_file = str(connection_dir / f"{name}.json")
        self.startup_log = connection_dir / f"{name}.log"  # the kernel's stderr, kept until it is up
        self.limit_bytes = limit_bytes
        self.output_bytes = 0
        self.overflow_cell: int | None = None  # the cell during which the output passed the limit
        self._overflow_stop: asyncio.Future | None = None  # kills the kernel if the interrupt goes unanswered
        return self

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.connection_file = self.connection_file
        return km

    def forget_connection_file(self) -> None:
        """Delete the connection file once the kernel has read it (the manager keeps it in memory),
        and the kernel's start-up log (the kernel keeps writing to the open, unlinked file)."""
        for path in (self.connection_file, self.startup_log):
            try:
                os.remove(path)
            except OSError:
                pass

    def output(self, outs, msg, display_id, cell_index):
        if self.overflow_cell is not None:
            return None
        self.output_bytes += message_size(msg)
        if self.output_bytes > self.limit_bytes:
            self.overflow_cell = cell_index
            if self.km is not None:
                asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))
                self._overflow_stop = asyncio.ensure_future(self._kill_after_grace())
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def _kill_after_grace(self) -> None:
        await asyncio.sleep(OVERFLOW_GRACE_SECONDS)
        provisioner = getattr(self.km, "provisioner", None)
        if provisioner is not None:
            await provisioner.kill()

    def cell_ended(self) -> None:
        """The running cell has ended (answered, failed or was found dead): no kill is pending any more."""
        if self._overflow_stop is not None:
            self._overflow_stop.cancel()
            self._overflow_stop = None

    def kernel_exit_code(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "returncode", None) if process is not None else None
