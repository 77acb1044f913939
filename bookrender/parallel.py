"""Execute the book's documents (cached, in parallel) in worker processes that end with the build.

Nothing a build starts outlives it, however it ends:
- each worker process asks Linux to kill it when the build process ends (`PR_SET_PDEATHSIG`),
  and each kernel does the same with its worker (see `bookrender.kernel_side`), so a build
  killed with SIGKILL takes its workers and kernels with it;
- on an error, SIGTERM or Ctrl-C the build kills its workers at once (a sleeping cell is not
  waited for) and removes its private folder of kernel connection files;
- connection files live in `.bookcache/kernels/<build pid>/` (mode 0700) and are deleted as
  soon as each kernel is up; a later build removes the folders of builds that no longer run.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from pathlib import Path

from bookrender.cache import CACHE_DIR, ExecutionCache, static_key
from bookrender.errors import RenderError
from bookrender.execute import ExecutedDocument, execute_document
from bookrender.kernel_side import die_with_parent
from bookrender.limits import Limits
from bookrender.lock import _running
from bookrender.project import BookProject
from bookrender.qmd import Document

__all__ = ["KERNELS_DIR", "execute_all", "kernels_folder", "remove_dead_kernel_folders"]

KERNELS_DIR = "kernels"


def kernels_folder(root: Path) -> Path:
    """This build's private folder for kernel connection files (created, mode 0700)."""
    folder = root / CACHE_DIR / KERNELS_DIR / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    for path in (folder.parent, folder):
        path.chmod(0o700)
    return folder


def remove_dead_kernel_folders(root: Path) -> None:
    """Delete the connection-file folders of builds that no longer run."""
    parent = root / CACHE_DIR / KERNELS_DIR
    if not parent.is_dir():
        return
    for folder in parent.iterdir():
        pid = int(folder.name) if folder.name.isdigit() else None
        if pid is None or (pid != os.getpid() and not _running(pid)):
            shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)


def _init_worker(build_pid: int) -> None:
    """In each worker: die with the build; leave Ctrl-C to the build (which kills the workers)."""
    die_with_parent(build_pid)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, lambda signum, frame: None)  # a handler, not SIG_IGN: kernels must not inherit it


def _execute_one(root: str, doc: Document, env: dict, limits: Limits, connection_dir: str) -> ExecutedDocument:
    return execute_document(Path(root), doc, env, limits, Path(connection_dir))


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now (their kernels follow them) and release the pool."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError):
            pass
    pool.shutdown(wait=True, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def _lookup_all(project: BookProject, cache: ExecutionCache, env: dict, use_cache: bool, report):
    """Cached executions by document, and the (document, key) pairs that must run."""
    results: dict[str, ExecutedDocument] = {}
    pending: list[tuple[str, str]] = []
    for chapter in project.chapters:
        rel = str(chapter.source)
        key = static_key((project.root / rel).read_bytes(), project.execute)
        hit = cache.lookup(chapter.stem, key, env) if use_cache else None
        if hit is not None:
            results[rel] = hit
            report.cached.append(rel)
        else:
            pending.append((rel, key))
    return results, pending


#: how often a build waiting for its documents checks that its workers are still there (seconds).
WORKER_CHECK_SECONDS = 5.0


def _wait_while_workers_live(pool: ProcessPoolExecutor, futures) -> set:
    """The finished futures once all are done or one failed; a RenderError if the pool lost its
    workers or its manager thread while documents were still pending (a wait that could not end)."""
    while True:
        done, pending = wait(futures, timeout=WORKER_CHECK_SECONDS, return_when=FIRST_EXCEPTION)
        if not pending or any(f.exception() is not None for f in done):
            return done
        manager = getattr(pool, "_executor_manager_thread", None)
        workers = list((getattr(pool, "_processes", None) or {}).values())
        if (manager is not None and not manager.is_alive()) or (workers and not any(p.is_alive() for p in workers)):
            raise RenderError(f"the worker processes ended while {len(pending)} document(s) were still executing "
                              f"(none of them reported an error). Render again; if it happens again, render with "
                              f"--jobs 1 and report it.")


def _run_pending(project: BookProject, docs: dict[str, Document], pending, env: dict, jobs: int,
                 limits: Limits, connection_dir: Path) -> dict:
    """Run the pending documents in worker processes; the first failure in book order is raised."""
    order = [str(c.source) for c in project.chapters]
    # "spawn": each worker starts a fresh interpreter (still a child of the build, so it dies with it)
    # rather than a fork of the build, which may hold other threads' locks and event loops (a test
    # session driving Chromium does) that a forked worker would inherit half-held.
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(pending))), initializer=_init_worker,
                               initargs=(os.getpid(),), mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(_execute_one, str(project.root), docs[rel], env, limits, str(connection_dir)): rel
                   for rel, _ in pending}
        done = _wait_while_workers_live(pool, futures)
        failed = [f for f in done if f.exception() is not None]
        if failed:
            raise min(failed, key=lambda f: order.index(futures[f])).exception()
        results = {futures[f]: f.result() for f in futures}
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return results


def execute_all(project: BookProject, docs: dict[str, Document], epoch: int, use_cache: bool, jobs: int,
                report, log, limits: Limits | None = None) -> dict[str, ExecutedDocument]:
    """Every document's execution: from the cache when nothing it read changed, else run now."""
    cache = ExecutionCache(project.root)
    env = {"SOURCE_DATE_EPOCH": str(epoch)}
    results, pending = _lookup_all(project, cache, env, use_cache, report)
    if pending:
        log(f"executing {len(pending)} document(s) on {jobs} worker(s): {', '.join(r for r, _ in pending)}")
        remove_dead_kernel_folders(project.root)
        connection_dir = kernels_folder(project.root)
        try:
            ran = _run_pending(project, docs, pending, env, jobs, limits or Limits(), connection_dir)
        finally:
            shutil.rmtree(connection_dir, ignore_errors=True)
        for rel, key in pending:
            results[rel] = ran[rel]
            report.executed.append(rel)
            stem = next(c.stem for c in project.chapters if str(c.source) == rel)
            cache.store(stem, key, ran[rel])
    for note in cache.notes:
        log(note)
    order = [str(c.source) for c in project.chapters]
    report.executed.sort(key=order.index)
    return results
