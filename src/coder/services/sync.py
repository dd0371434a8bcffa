"""`coder sync`: a project folder that is a git clone, shared through its remote.

The folder's git repository tracks only the snapshot (``study/``, see
:mod:`coder.services.snapshot`) and a ``.gitignore`` that keeps ``coder.db``
and everything else out. A sync runs the git command line:

1. snapshot the database into ``study/`` and commit it (if anything changed);
2. fetch the remote; when it has commits this clone lacks, read its
   snapshot and that of the merge base (``git archive``), and merge them into
   the database by GUID, three-way: one-sided edits and deletions are taken,
   edits on both sides are reported with both versions and left as they are;
3. snapshot again and record the merge with ``git merge -s ours`` (the tree
   is the database's merged state, so git never merges snapshot text);
4. push; when someone pushed in between, go back to 2.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from coder.errors import CoderError
from coder.services.merge_plan import MergeReport
from coder.services.snapshot import write_snapshot
from coder.services.snapshot_merge import merge_snapshot
from coder.storage import Store

STUDY_DIR = "study"
GITIGNORE = "# coder: git holds the snapshot only; coder.db is rebuilt from it\n/*\n!/.gitignore\n!/study/\n"
ATTEMPTS = 3


@dataclass
class SyncReport:
    """What a sync committed, merged and pushed."""

    remote: str
    branch: str
    committed: int = 0
    merges: list[MergeReport] = field(default_factory=list)
    pushed: bool = False

    @property
    def conflicts(self) -> list[dict[str, object]]:
        """Codings edited on both sides, with both versions."""
        return [c for m in self.merges for c in m.conflicts]

    def as_dict(self) -> dict[str, object]:
        """The JSON document of `coder sync --json`."""
        return {
            "remote": self.remote,
            "branch": self.branch,
            "commits": self.committed,
            "merged": [m.as_dict() for m in self.merges],
            "conflicts": self.conflicts,
            "pushed": self.pushed,
        }


class _Git:
    """The git command line in the project folder, with a one-line error on failure."""

    def __init__(self, root: Path, actor: str) -> None:
        self.root = root
        self.identity: list[str] = []
        if not self.out("config", "user.name", check=False):
            self.identity = ["-c", f"user.name={actor}", "-c", f"user.email={actor}@coder.invalid"]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                ["git", *self.identity, "-C", str(self.root), *args], capture_output=True, check=False
            )
        except FileNotFoundError:
            raise CoderError(
                "git is not installed", "install git, or share the project with coder merge"
            ) from None
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
            raise CoderError(
                f"git {args[0]} failed: {message[-1]}", "fix the repository (git status), then sync again"
            )
        return done

    def out(self, *args: str, check: bool = True) -> str:
        return self.run(*args, check=check).stdout.decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def extract(self, rev: str, into: Path) -> Path:
        """The snapshot folder of a commit, unpacked into ``into`` (members kept inside it)."""
        data = self.run("archive", "--format=tar", rev, "--", STUDY_DIR, check=False).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(into, filter="data")
        return into / STUDY_DIR


def sync(store: Store, actor: str, remote: str = "origin") -> SyncReport:
    """Snapshot, commit, pull and merge, push (see the module docstring)."""
    git = _Git(store.root, actor)
    if not git.ok("rev-parse", "--is-inside-work-tree"):
        raise CoderError(
            f"{store.root} is not a git clone",
            "clone the study's repository (git clone URL DIR), or run git init and git remote add there",
        )
    if remote not in git.out("remote").split():
        raise CoderError(f"no git remote named {remote!r}", f"add one: git remote add {remote} URL")
    branch = git.out("symbolic-ref", "--short", "HEAD")
    report = SyncReport(remote, branch)
    _commit(store, git, actor, report)
    for _ in range(ATTEMPTS):
        git.run("fetch", remote)
        upstream = f"{remote}/{branch}"
        if git.ok("rev-parse", "--verify", "--quiet", upstream) and not git.ok(
            "merge-base", "--is-ancestor", upstream, "HEAD"
        ):
            _merge_upstream(store, git, actor, upstream, report)
        if git.ok("push", "--set-upstream", remote, f"HEAD:{branch}"):
            report.pushed = True
            return report
    raise CoderError(
        f"could not push to {remote} after {ATTEMPTS} tries (others keep pushing)", "run coder sync again"
    )


def _commit(store: Store, git: _Git, actor: str, report: SyncReport, message: str = "") -> None:
    gitignore = store.root / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE, encoding="utf-8")
    write_snapshot(store, store.root / STUDY_DIR)
    git.run("add", "--all", "--", STUDY_DIR, ".gitignore")
    if not git.ok("diff", "--cached", "--quiet"):
        git.run("commit", "--quiet", "-m", message or f"coder sync by {actor}")
        report.committed += 1


def _merge_upstream(store: Store, git: _Git, actor: str, upstream: str, report: SyncReport) -> None:
    base = git.out("merge-base", "HEAD", upstream, check=False)
    with tempfile.TemporaryDirectory(prefix="coder-sync-") as tmp:
        theirs = git.extract(upstream, Path(tmp) / "theirs")
        ancestor = git.extract(base, Path(tmp) / "base") if base else None
        merged = merge_snapshot(store, theirs, base=ancestor, actor=actor)
    report.merges.append(merged)
    if git.ok("merge-base", "--is-ancestor", "HEAD", upstream):
        git.run("merge", "--quiet", "--ff-only", upstream)
        _commit(store, git, actor, report, f"coder sync by {actor}: merged {upstream}")
        return
    _commit(store, git, actor, report, f"coder sync by {actor}: merged {upstream}")
    git.run("merge", "--quiet", "--no-edit", "-s", "ours", upstream)
