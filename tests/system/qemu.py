"""Boot Vireo under QEMU for one system-test scenario and capture the serial
console line by line."""

import os
import select
import subprocess
import time

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"


class Outcome:
    def __init__(self):
        self.lines = []          # serial output, CR stripped
        self.exit_status = None  # QEMU's status if it exited by itself
        self.timed_out = False
        self.stopped_at = None   # the line after which the runner stopped QEMU


def command(sc, build, archive_path):
    cmd = ["qemu-system-riscv64", "-M", "virt", "-cpu", sc.cpu,
           "-smp", str(sc.smp), "-m", sc.mem, "-nographic",
           "-bios", OPENSBI, "-kernel", os.path.join(build, sc.kernel)]
    if sc.icount is not None:
        cmd += ["-icount", "shift=%d,sleep=off" % sc.icount]
    if archive_path:
        cmd += ["-initrd", archive_path]
    if sc.append:
        cmd += ["-append", sc.append]
    return cmd


def archive_for(sc, build):
    """The boot archive file for a scenario: the default one, none, or one
    the scenario builds (written under build/test-data/)."""
    if sc.archive == "default":
        return os.path.join(build, "boot.cpio")
    if sc.archive == "tests":
        return os.path.join(build, "test-archive.cpio")
    if sc.archive and sc.archive.startswith("build:"):
        return os.path.join(build, sc.archive[len("build:"):])
    if sc.archive is None:
        return None
    path = os.path.join(build, "test-data", sc.name + ".cpio")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(sc.archive_bytes())
    return path


def boot(sc, build, log_path):
    out = Outcome()
    proc = subprocess.Popen(command(sc, build, archive_for(sc, build)),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    pending = list(sc.send)
    deadline = time.monotonic() + sc.timeout
    partial = b""
    with open(log_path, "wb") as log:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                out.timed_out = True
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            log.write(chunk)
            log.flush()
            partial += chunk
            *complete, partial = partial.split(b"\n")
            for raw in complete:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                out.lines.append(line)
                pending = answer(proc, pending, line)
                if sc.stop_after and sc.stop_after.search(line):
                    out.stopped_at = line
            if out.stopped_at:
                break
    if not out.timed_out and not out.stopped_at:
        try:
            out.exit_status = proc.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            out.timed_out = True
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if partial:
        out.lines.append(partial.decode("utf-8", "replace").rstrip("\r"))
    return out


def answer(proc, pending, line):
    """Type the scenario's input once its prompt line has appeared."""
    if pending and pending[0][0].search(line):
        proc.stdin.write(pending[0][1])
        proc.stdin.flush()
        return pending[1:]
    return pending
