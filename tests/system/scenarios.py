"""The system-test scenarios: each boots Vireo in QEMU once and checks what
appears on the serial console. Expectations are regular expressions matched
against whole lines, in order."""

import importlib.machinery
import importlib.util
import os
import random
import re
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _load_mkcpio():
    path = os.path.join(ROOT, "scripts", "mkcpio")
    loader = importlib.machinery.SourceFileLoader("mkcpio", path)
    spec = importlib.util.spec_from_loader("mkcpio", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


mkcpio = _load_mkcpio()

# Lines that must never appear unless a scenario provokes them on purpose.
FAILURES = [r"^panic:", r"^\*\*\* unexpected", r"^\*\*\* hart \d+ halted"]


class Scenario:
    def __init__(self, name, smp=2, mem="256M", cpu="rv64,h=true",
                 append="poweroff",
                 archive="default", archive_bytes=None, expect=(),
                 forbid=None, stop_after=None, send=(), tap=False,
                 icount=False, timeout=60):
        self.name = name
        self.smp = smp
        self.cpu = cpu
        self.mem = mem
        self.append = append
        self.archive = "custom" if archive_bytes else archive
        self._archive_bytes = archive_bytes
        self.expect = [re.compile(e) for e in expect]
        self.forbid = [re.compile(f) for f in
                       (FAILURES if forbid is None else forbid)]
        self.stop_after = re.compile(stop_after) if stop_after else None
        self.send = [(re.compile(p), data) for p, data in send]
        self.tap = tap
        self.icount = icount
        self.timeout = timeout

    def archive_bytes(self):
        return self._archive_bytes()

    def check(self, out):
        """Problems with a finished boot; empty when it passed."""
        problems = []
        if out.timed_out:
            problems.append("timed out after %ds" % self.timeout)
        elif self.stop_after and not out.stopped_at:
            problems.append("QEMU ended before a line matching /%s/" %
                            self.stop_after.pattern)
        elif not self.stop_after and out.exit_status != 0:
            problems.append("QEMU exited with status %s" % out.exit_status)
        at = 0
        for e in self.expect:
            while at < len(out.lines) and not e.search(out.lines[at]):
                at += 1
            if at == len(out.lines):
                problems.append("no line matching /%s/ (in order)" %
                                e.pattern)
                break
            at += 1
        for f in self.forbid:
            hits = [line for line in out.lines if f.search(line)]
            if hits:
                problems.append("unexpected line: %s" % hits[0])
        return problems


def banner(smp, mem_mib):
    return [r"^Vireo \S+ microkernel \(riscv64, Sv39\)",
            r"^cpus: %d harts, timebase 10000000 Hz, timer sstc, "
            r"H extension yes$" % smp,
            r"^memory: %d MiB in 1 range\(s\)" % mem_mib,
            r"^uart: ns16550a at 0x10000000$",
            r"^Vireo: powering off$"]


# Members with sizes around the 4-byte padding and a page, content fixed.
_rng = random.Random(20261125)
LISTING_FILES = [
    ("empty", b""),
    ("one", b"x"),
    ("three", b"abc"),
    ("four", b"abcd"),
    ("dir/nested-name.bin", bytes(range(256)) * 3),
    ("page-and-one", bytes(_rng.getrandbits(8) for _ in range(4097))),
]


def listing_archive():
    return mkcpio.pack([(n, d, mkcpio.FILE_MODE) for n, d in LISTING_FILES])


def listing_expect():
    lines = [r"^  module %s size %d crc32 0x%08x$" %
             (re.escape(n), len(d), zlib.crc32(d)) for n, d in LISTING_FILES]
    return lines + [r"^boot archive: %d file\(s\)$" % len(LISTING_FILES)]


def truncated_archive():
    return listing_archive()[:-200]


def no_trailer_archive():
    return mkcpio.pack([("a", b"abc", mkcpio.FILE_MODE)])[:-124]


def odc_archive():
    return b"070707" + listing_archive()[6:]


def huge_size_archive():
    name = b"big\0"
    return (mkcpio.header(len(name), 0xFFFFFFFF) + name + b"\0\0" +
            b"payload" + mkcpio.pack([]))


def rejected(what):
    return [r"^boot archive: rejected: %s" % what, r"^Vireo: powering off$"]


CRASH_REPORT = [r"^\*\*\* unexpected trap on hart \d+: scause 0xd "
                r"\(load page fault\)$",
                r"^    sepc 0xffffffff8020[0-9a-f]{4}  "
                r"stval 0x0000000000000010",
                r"^    ra\s+0x[0-9a-f]{16}\s+sp\s+0x[0-9a-f]{16}",
                r"\st6\s+0x[0-9a-f]{16}$",
                r"^\*\*\* hart \d+ halted$"]

SCENARIOS = [
    Scenario("banner-smp1-128M", smp=1, mem="128M", expect=banner(1, 128)),
    Scenario("banner-smp4-512M", smp=4, mem="512M", expect=banner(4, 512)),
    Scenario("banner-smp2-2G", smp=2, mem="2G", expect=banner(2, 2048)),
    Scenario("archive-default", expect=[
        r"^boot archive: 0x[0-9a-f]+, \d+ bytes$",
        r"^  module motd size \d+ crc32 0x[0-9a-f]{8}$",
        r"^boot archive: 1 file\(s\)$"]),
    Scenario("archive-listing", archive_bytes=listing_archive,
             expect=listing_expect()),
    Scenario("archive-none", archive=None,
             expect=[r"^boot archive: none$", r"^Vireo: powering off$"]),
    Scenario("archive-truncated", archive_bytes=truncated_archive,
             expect=rejected(r"truncated")),
    Scenario("archive-no-trailer", archive_bytes=no_trailer_archive,
             expect=rejected(r"truncated: no trailer")),
    Scenario("archive-odc-variant", archive_bytes=odc_archive,
             expect=rejected(r"unsupported cpio variant 070707")),
    Scenario("archive-huge-filesize", archive_bytes=huge_size_archive,
             expect=rejected(r"truncated: file data")),
    Scenario("ktest-all-smp2", append="ktest=all poweroff", tap=True,
             expect=[r"^ktest: done, 0 failed$", r"^Vireo: powering off$"]),
    Scenario("ktest-all-smp1-2G", smp=1, mem="2G",
             append="ktest=all poweroff", tap=True,
             expect=[r"^ktest: done, 0 failed$"]),
    Scenario("ktest-all-sbi-timer", smp=1, cpu="rv64,h=true,sstc=false",
             append="ktest=all poweroff", tap=True,
             expect=[r"^cpus: 1 harts, timebase 10000000 Hz, timer sbi,",
                     r"^ktest: done, 0 failed$"]),
    Scenario("ktest-select", append="ktest=wx_text_not_writable,"
             "pages_orders_aligned poweroff", tap=True,
             expect=[r"^1\.\.2$", r"^ktest: done, 0 failed$"]),
    Scenario("ktest-unknown-name", append="ktest=no_such_test poweroff",
             expect=[r"^1\.\.1$", r"^not ok 1 - no_such_test # no such test$",
                     r"^ktest: done, 1 failed$"]),
    Scenario("idle-then-q-powers-off", append="",
             send=[(r"^idle: ", b"q")],
             expect=[r"^idle: nothing to run yet", r"^Vireo: powering off$"]),
    Scenario("vtest-all", archive="tests", append="root=vtest poweroff",
             tap=True, expect=[r"^root: starting 'vtest'$",
                               r"^vtest: done, 0 failed$",
                               r"^Vireo: root task ended$",
                               r"^Vireo: powering off$"]),
    # The same suite with the IPC fast path off: both paths must agree.
    Scenario("vtest-all-slowpath", archive="tests",
             append="root=vtest nofastpath poweroff",
             tap=True, expect=[r"^vtest: done, 0 failed$",
                               r"^Vireo: powering off$"]),
    Scenario("root-missing-module", append="root=nothere poweroff",
             expect=[r"^root: no root task 'nothere': not found in archive$",
                     r"^Vireo: powering off$"]),
    Scenario("root-not-an-elf", append="root=motd poweroff",
             expect=[r"^root: 'motd' rejected: bad magic",
                     r"^Vireo: powering off$"]),
    Scenario("unexpected-trap-report", append="crash=load",
             forbid=[r"^panic:"], stop_after=r"^\*\*\* hart \d+ halted$",
             expect=CRASH_REPORT, timeout=30),
]
