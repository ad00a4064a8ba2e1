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
    """A boot. expect: regexes matched by lines in this order; anywhere:
    regexes each matched by some line, in any order; forbid: regexes no
    line may match."""

    def __init__(self, name, smp=2, mem="256M", cpu="rv64,h=true",
                 append="poweroff",
                 archive="default", archive_bytes=None, expect=(),
                 anywhere=(), forbid=None, stop_after=None, send=(), tap=False,
                 icount=None, timeout=60, kernel="vireo.elf"):
        self.name = name
        self.kernel = kernel
        self.smp = smp
        self.cpu = cpu
        self.mem = mem
        self.append = append
        self.archive = "custom" if archive_bytes else archive
        self._archive_bytes = archive_bytes
        self.expect = [re.compile(e) for e in expect]
        self.anywhere = [re.compile(e) for e in anywhere]
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
        for e in self.anywhere:
            if not any(e.search(line) for line in out.lines):
                problems.append("no line matching /%s/" % e.pattern)
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


def motd_only_archive():
    """An archive without a root task: the kernel idles after booting."""
    with open(os.path.join(ROOT, "boot", "motd"), "rb") as f:
        return mkcpio.pack([("motd", f.read(), mkcpio.FILE_MODE)])


def built_program(name):
    with open(os.path.join(ROOT, "build", "user", name + ".elf"), "rb") as f:
        return f.read()


def root_archive(boot_cfg, programs=("hello",), extra=()):
    """A function building an archive of the real root task, the given
    boot.cfg text (None: no boot.cfg), built programs and extra members."""
    def make():
        entries = [("root", built_program("root"), mkcpio.EXEC_MODE)]
        if boot_cfg is not None:
            entries.append(("boot.cfg", boot_cfg.encode(), mkcpio.FILE_MODE))
        entries += [(p, built_program(p), mkcpio.EXEC_MODE) for p in programs]
        entries += [(n, d, mkcpio.FILE_MODE) for n, d in extra]
        return mkcpio.pack(entries)
    return make


def plain_demo_archive():
    """The demo without its Linux VM (boot/boot.cfg up to the VM's block):
    for boots that wait for the root task to end."""
    with open(os.path.join(ROOT, "boot", "boot.cfg")) as f:
        cfg = f.read().split("\n# A Linux VM")[0] + "\n"
    with open(os.path.join(ROOT, "boot", "motd"), "rb") as f:
        motd = f.read()
    return root_archive(cfg, programs=("hello", "echo-server", "echo-client"),
                        extra=[("motd", motd)])()


def built_guest(name):
    with open(os.path.join(ROOT, "build", "guest", name), "rb") as f:
        return f.read()


def vm_block(name, cpus, run, ram="64M"):
    """A boot.cfg block starting the VMM with the Linux guest; run names the
    guest's test script (rootfs/tests/)."""
    return ("start vmm as %s\n"
            "    args \"ram=%s\" \"cpus=%d\" "
            "\"cmdline=console=hvc1 earlycon=sbi vireo.run=%s\"\n"
            "    file kernel linux-Image\n    file initrd initramfs\n"
            "    file disk disk.img\n    cap sched scheduler\n    cap log vcon\n"
            "    memory 88M\n    quota 512K\n" % (name, ram, cpus, run))


HOSTILE_BLOCK = ("start vmm as hostile\n    args \"ram=32M\" \"cpus=2\"\n"
                 "    file kernel hostile.bin\n    cap sched scheduler\n    cap log vcon\n"
                 "    memory 40M\n    quota 512K\n")


def vm_archive(boot_cfg):
    """The real root task and VMM with the guest's kernel, initramfs and disk."""
    def make():
        entries = [("root", built_program("root"), mkcpio.EXEC_MODE),
                   ("boot.cfg", boot_cfg.encode(), mkcpio.FILE_MODE),
                   ("vmm", built_program("vmm"), mkcpio.EXEC_MODE),
                   ("linux-Image", built_guest("Image"), mkcpio.FILE_MODE),
                   ("initramfs", built_guest("initramfs.cpio"), mkcpio.FILE_MODE),
                   ("disk.img", built_guest("disk.img"), mkcpio.FILE_MODE),
                   ("hostile.bin", built_guest("hostile.bin"), mkcpio.FILE_MODE)]
        return mkcpio.pack(entries)
    return make


def unanchored(patterns):
    """Patterns for lines written whole (the VMM's and the root task's) that
    may follow another VM's unfinished console line on the same line."""
    return [p[1:] if p.startswith("^") else p for p in patterns]


def vm_smoke(name, cpus):
    """What rootfs/tests/smoke prints in VM name, in order."""
    return [r"^vmm: %s: %d vCPU\(s\), 64 MiB of RAM, " % (name, cpus),
            r"^guest: Linux 6\.1\.\d+ on %d cpu\(s\)$" % cpus,
            r"^smoke: uname: Linux 6\.1\.\d+ riscv64$",
            r"^smoke: nproc: %d$" % cpus,
            r"^smoke: found: This file was on the virtio disk when the VM started\.$",
            r"^smoke: read back: written by the guest$",
            r"^guest: /tests/smoke exited with status 0$",
            r"^vmm: %s: stopped: the guest asked for shutdown \(no reason\)$" % name,
            r"^root: %s exited with status 0$" % name]


# The demo's Linux VM (boot/boot.cfg): it boots to its shell, which answers
# what is typed at the console and powers the VM off through SBI.
DEMO_VM_INPUT = [(r"job control turned off", b"echo hello-from-$((6*7))\n"),
                 (r"^hello-from-42", b"poweroff\n")]
DEMO_VM = [r"^root: starting linux \(module vmm, ",
           r"^vmm: linux: 1 vCPU\(s\), 64 MiB of RAM, ",
           r"^guest: Linux 6\.1\.\d+ on 1 cpu\(s\)$",
           r"^hello-from-42",
           r"^vmm: linux: stopped: the guest asked for shutdown \(no reason\)$",
           r"^root: linux exited with status 0$"]

# The root task ends cleanly and hands the machine back to the kernel.
ROOT_ENDS = [r"^Vireo: root task ended$", r"^Vireo: powering off$"]
NOTHING_STARTED = [r"^root: starting [^']", r"^hello", r"exited with status"]


def root_refuses(*lines):
    return list(lines) + [r"^root: nothing started"] + ROOT_ENDS


def vguest_scenario(name, icount=None):
    """The test guest OS (user/tests/vguest): what its three processes do."""
    return Scenario(
        name, archive="tests", append="root=vguest", icount=icount,
        expect=[r"^vguest: 3 processes, a tick every 1 ms$",
                r"^vguest: done$", r"^Vireo: powering off$"],
        anywhere=[r"^vguest: pid 1: hello from the first process$",
                  r"^vguest: pid 1: yielding$",
                  r"^vguest: pid 1 exited with 1$",
                  r"^vguest: pid 2: hello from the second process; spinning",
                  r"^vguest: pid 2: done spinning$",
                  r"^vguest: pid 1: FP registers kept$",
                  r"^vguest: pid 2: FP registers kept$",
                  r"^vguest: pid 2 exited with 7$",
                  r"^vguest: pid 3: hello from the third process",
                  r"^vguest: pid 3 killed: page fault at 0x1000$",
                  r"^vguest: 3 processes: 2 exited, 1 killed; [1-9]\d* ticks, "
                  r"[1-9]\d* preemptions, [1-9]\d* page faults served, "
                  r"[1-9]\d* system calls$"],
        forbid=FAILURES + [r"still alive", r"resume failed", r"FP registers lost",
                           r"^vguest: (?!pid|3 proc|done)"])


def vcpu_race_scenario(smp):
    return Scenario(
        "vtest-vcpu-race-smp%d" % smp, archive="tests", smp=smp, timeout=300,
        append="root=vtest vtest=race_vcpu_irq_flag_loses_and_duplicates_nothing poweroff",
        tap=True, expect=[r"^# 100000 events: ", r"^vtest: done, 0 failed$"])


SCENARIOS = [
    Scenario("banner-smp1-128M", smp=1, mem="128M", archive_bytes=plain_demo_archive, expect=banner(1, 128)),
    Scenario("banner-smp4-512M", smp=4, mem="512M", archive_bytes=plain_demo_archive, expect=banner(4, 512)),
    Scenario("banner-smp2-2G", smp=2, mem="2G", archive_bytes=plain_demo_archive, expect=banner(2, 2048)),
    Scenario("archive-default", expect=[
        r"^boot archive: 0x[0-9a-f]+, \d+ bytes$",
        r"^  module motd size \d+ crc32 0x[0-9a-f]{8}$",
        r"^  module root size \d+ crc32 0x[0-9a-f]{8}$",
        r"^  module vmm size \d+ crc32 0x[0-9a-f]{8}$",
        r"^  module linux-Image size \d+ crc32 0x[0-9a-f]{8}$",
        r"^boot archive: 10 file\(s\)$"], stop_after=r"^boot archive: 10 file"),
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
    Scenario("ktest-all-smp2", archive_bytes=plain_demo_archive, append="ktest=all poweroff", tap=True,
             expect=[r"^ktest: done, 0 failed$", r"^Vireo: powering off$"]),
    Scenario("ktest-all-smp1-2G", archive_bytes=plain_demo_archive, smp=1, mem="2G",
             append="ktest=all poweroff", tap=True,
             expect=[r"^ktest: done, 0 failed$"]),
    Scenario("ktest-all-sbi-timer", archive_bytes=plain_demo_archive, smp=1, cpu="rv64,h=true,sstc=false",
             append="ktest=all poweroff", tap=True,
             expect=[r"^cpus: 1 harts, timebase 10000000 Hz, timer sbi,",
                     r"^ktest: done, 0 failed$"]),
    Scenario("ktest-select", archive_bytes=plain_demo_archive, append="ktest=wx_text_not_writable,"
             "pages_orders_aligned poweroff", tap=True,
             expect=[r"^1\.\.2$", r"^ktest: done, 0 failed$"]),
    Scenario("ktest-unknown-name", archive_bytes=plain_demo_archive, append="ktest=no_such_test poweroff",
             expect=[r"^1\.\.1$", r"^not ok 1 - no_such_test # no such test$",
                     r"^ktest: done, 1 failed$"]),
    Scenario("idle-then-q-powers-off", append="",
             archive_bytes=motd_only_archive,
             send=[(r"^idle: ", b"q")],
             expect=[r"^idle: nothing to run", r"^Vireo: powering off$"]),
    Scenario("debugger-key-on-console", append="",
             archive_bytes=motd_only_archive,
             send=[(r"^idle: ", b"\x1d"), (r"^vdb: Ctrl-\] on the console", b"o\rg\r"),
                   (r"^vdb: continuing$", b"q")],
             expect=[r"^vdb: Ctrl-\] on the console; \? for help$",
                     r"^  0x[0-9a-f]+ debugger +- +refs \d+$",
                     r"^vdb: continuing$", r"^Vireo: powering off$"]),
    Scenario("root-demo-then-q-powers-off", append="",
             send=DEMO_VM_INPUT + [(r"^idle: the root task ended", b"q")], timeout=120,
             expect=[r"^root: all programs ended$", r"^Vireo: root task ended$",
                     r"^idle: the root task ended", r"^Vireo: powering off$"]),
    Scenario("vtest-all", archive="tests", append="root=vtest poweroff",
             tap=True, expect=[r"^root: starting 'vtest'$",
                               r"^vtest: done, 0 failed$",
                               r"^Vireo: root task ended$",
                               r"^Vireo: powering off$"]),
    # Deterministic runs with instructions at different speeds against the
    # clock: timer interrupts land at other points (this found a lost wake-up).
    Scenario("vtest-icount-5", archive="tests", append="root=vtest poweroff",
             icount=5, tap=True, expect=[r"^vtest: done, 0 failed$"]),
    Scenario("vtest-icount-7", archive="tests", append="root=vtest poweroff",
             icount=7, tap=True, expect=[r"^vtest: done, 0 failed$"]),
    # Four harts: every test, the smp_* ones with a thread on each CPU. Under
    # -icount all harts share one host thread and interleave differently.
    Scenario("vtest-smp4", archive="tests", append="root=vtest poweroff", smp=4,
             tap=True, expect=[r"^smp: 4 of 4 cpu\(s\) online$",
                               r"^vtest: done, 0 failed$"]),
    Scenario("vtest-smp4-icount-3", archive="tests", append="root=vtest poweroff",
             smp=4, icount=3, tap=True, timeout=120,
             expect=[r"^smp: 4 of 4 cpu\(s\) online$", r"^vtest: done, 0 failed$"]),
    # A guest OS on a vCPU: three processes in virtual user mode; also where
    # ticks land at other, deterministic points.
    vguest_scenario("vguest-three-processes"),
    vguest_scenario("vguest-three-processes-icount-3", icount=3),
    # Issue 5's race: Irqs from another hart against the virtual interrupt flag.
    vcpu_race_scenario(2),
    vcpu_race_scenario(4),
    # Platform_control: the suite powers the machine off itself (no
    # 'poweroff' for the kernel, so only the object can end this run).
    Scenario("vtest-platform-poweroff", archive="tests",
             append="root=vtest vtest=null_invocation_reports_kind_and_rights "
             "vtest_end=poweroff",
             tap=True, expect=[r"^vtest: done, 0 failed$",
                               r"^Vireo: powering off$"],
             forbid=FAILURES + [r"^Vireo: root task ended$",
                                r"power off failed"]),
    # A real device interrupt: typed input -> UART -> PLIC -> Irq -> Vcon read.
    Scenario("vtest-console-input-interrupt", archive="tests",
             append="root=vtest vtest=interactive_console_input_interrupt poweroff",
             send=[(r"^vtest: type a line$", b"hello")],
             tap=True, expect=[r'^# got "hello"$', r"^vtest: done, 0 failed$"]),
    # The kernel debugger over the serial line, entered through its object.
    Scenario("vtest-kernel-debugger", archive="tests",
             append="root=vtest vtest=interactive_kernel_debugger poweroff",
             send=[(r"^vdb: entered through the Debugger object",
                    b"t\rh\rc vtest\rm 0x80200000 32\rm 0x80000000\rT\rg\r"),
                   (r"^vdb: entered through the Debugger object", b"i\rU\rg\r")],
             tap=True, expect=[
                 r"^  0x[0-9a-f]+ task +vtest +refs \d+$",
                 r"^  0x[0-9a-f]+ vtest-main +ready +cpu 0 prio +10 .* task vtest \(running\)$",
                 r"^      1 task +vtest +rights 0xf$",
                 r"^  0x080200000:( [0-9a-f]{2}){16}$",
                 r"^  0x80000000: not RAM$",
                 r"^  tracing on$",
                 r"^vdb: continuing$",
                 r"^  tracing on; last 2 IPCs, oldest first$",
                 r"^  0x[0-9a-f]+ -> 0x[0-9a-f]+ label 0x5af words 0 items 0$",
                 r"^  0x[0-9a-f]+ -> 0x[0-9a-f]+ label 0x0 words 0 items 0$",
                 r"^  tracing off$",
                 r"^vtest: done, 0 failed$"]),
    # Timer accuracy where time is deterministic (one instruction, one ns).
    Scenario("vtest-icount-timer-accuracy", archive="tests",
             append="root=vtest vtest=icount_timer_accuracy poweroff", icount=0,
             tap=True, expect=[r"^# worst lateness \d+ ticks", r"^vtest: done, 0 failed$"]),
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

    # The root task and the demo programs of boot/boot.cfg.
    Scenario("root-demo", send=DEMO_VM_INPUT, timeout=120, expect=[
        r"^root: starting 'root'$",
        r"^root: boot\.cfg names 4 program\(s\)$",
        r"^root: starting hello \(module hello, \d+ KiB of memory, "
        r"quota 128 KiB, priority 10\)$",
        r"^root: starting echo-server ",
        r"^root: starting echo-client "] + DEMO_VM + [
        r"^root: all programs ended$"] + ROOT_ENDS,
        anywhere=[r'^hello: argv\[0\] = "hello"$',
                  r'^hello: argv\[1\] = "one"$',
                  r'^hello: argv\[2\] = "two words"$',
                  r"^hello from hello$",
                  r"^root: hello exited with status 0$",
                  r"^echo-client: 3 of 3 echoes correct$",
                  r"^root: echo-client exited with status 0$",
                  r"^echo-server: stopping after 3 echoes$",
                  r"^root: echo-server exited with status 0$"],
        forbid=FAILURES + [r"not returned", r"cannot", r"page fault", r"no device there"]),
    # The same with timer interrupts landing elsewhere (see vtest-icount-5).
    Scenario("root-demo-icount-5", icount=5, send=DEMO_VM_INPUT, timeout=240,
             expect=DEMO_VM + [r"^root: all programs ended$"] + ROOT_ENDS,
             anywhere=[r"^hello from hello$", r"^echo-client: 3 of 3 echoes correct$"],
        forbid=FAILURES + [r"not returned", r"cannot", r"page fault", r"no device there"]),
    Scenario("root-bootcfg-errors", archive_bytes=root_archive(
        "start hello\n    quota 12Q\n    priority 300\n"),
        expect=root_refuses(r"^boot\.cfg:2: bad size '12Q'",
                            r"^boot\.cfg:3: priority '300' out of range"),
        forbid=FAILURES + NOTHING_STARTED),
    Scenario("root-no-bootcfg", archive_bytes=root_archive(None),
             expect=root_refuses(r"^root: no boot\.cfg in the boot archive$"),
             forbid=FAILURES + NOTHING_STARTED),
    Scenario("root-module-not-elf", archive_bytes=root_archive(
        "start hello\nstart motd\n",
        extra=[("motd", b"Welcome to Vireo.\n")]),
        expect=root_refuses(r"^root: motd: motd: bad magic: not an ELF file at offset 0$"),
        forbid=FAILURES + NOTHING_STARTED),
    Scenario("root-module-missing", archive_bytes=root_archive(
        "start hello\nstart nothere as gone\n"),
        expect=root_refuses(
            r"^root: gone: nothere: not found in archive$"),
        forbid=FAILURES + NOTHING_STARTED),
    Scenario("root-caps-cpus-refused", archive_bytes=root_archive(
        "start hello\n    cap arc archive\n    cpus 0-3\n"
        "    cap log vcon rights=rwsd\n    file k nothere\n"),
        expect=root_refuses(
            r"^root: hello: file k: nothere: not found in archive \(boot\.cfg line 5\)$",
            r"^root: hello: cap arc: archive is not available yet "
            r"\(boot\.cfg line 2\)$",
            r'^root: hello: cap log: vcon allows only rights from "rws" ',
            r"^root: hello: cpus: CPU 3 does not exist \(2 CPU\(s\)\)$"),
        forbid=FAILURES + NOTHING_STARTED),
    Scenario("root-gives-files-and-memory", archive_bytes=root_archive(
        "start hello\n    args \"resources\"\n    memory 2M\n    cap log vcon\n"
        "    file motd motd\n"
        "start hello as again\n    args \"resources\"\n    memory 2M\n"
        "    cap log vcon\n",
        extra=[("motd", b"Welcome to Vireo.\nsecond line\n")]),
        expect=[r"^hello: file motd: 30 bytes: Welcome to Vireo\.$",
                r"^hello: no file none$",
                r"^hello: 1 MiB at 0x3000000000, 0 bytes not zero$",
                r"^hello: 1 GiB more: E_NOMEM$",
                r"^hello: 5 bytes: E_ARG$",
                r"^root: hello exited with status 0$"],
        anywhere=[r"^again: 1 MiB at 0x3000000000, 0 bytes not zero$",
                  r"^root: again exited with status 0$"] + ROOT_ENDS),
    # Linux 6.1 as a VM on Vireo: two vCPUs on two harts, its virtio console
    # and disk, SBI shutdown.
    Scenario("vm-linux-smoke", archive_bytes=vm_archive(vm_block("vm1", 2, "smoke")),
             timeout=180, expect=vm_smoke("vm1", 2) + ROOT_ENDS,
             forbid=FAILURES + [r"no device there", r"virtio slot", r"cannot", r"not returned"]),
    # The same VMM on stock Linux with KVM (the KVM backend, user/vmm/kvm.c):
    # QEMU boots the guest kernel as a host, whose rootfs/tests/kvm runs the
    # VMM on /dev/kvm with the same guest.
    Scenario("vm-kvm-backend-smoke", kernel="guest/Image", archive="build:guest/kvm-host.cpio",
             append="console=ttyS0 vireo.run=kvm", timeout=600,
             expect=[r"^kvm \[1\]: hypervisor extension available$",
                     r"^guest: Linux 6\.1\.\d+ on 2 cpu\(s\)$"] + vm_smoke("vmm", 2)[1:-1] + [
                     r"^kvm: the VMM exited with status 0$",
                     r"^guest: /tests/kvm exited with status 0$",
                     r"^reboot: Power down$"],
             forbid=[r"no device there", r"virtio slot", r"Kernel panic"]),
    # A hostile guest beside a Linux VM: every bad request is refused or
    # faults in the guest, the VMM says why, and the Linux VM, the VMM and
    # the kernel go on.
    Scenario("vm-hostile-guest", archive_bytes=vm_archive(
        HOSTILE_BLOCK + vm_block("linux", 1, "smoke")), mem="512M", timeout=300,
        expect=[r"^root: all programs ended$"] + ROOT_ENDS,
        anywhere=unanchored([r"^hostile: 0x1d checks, all passed$",
                  r"^hostile: the virtio console still works$",
                  r"^vmm: hostile: virtio slot 0 \(device 3\): queue 1: the chain from 0 loops",
                  r"^vmm: hostile: virtio slot 0 \(device 3\): queue 1: buffer 0x1000\+16 "
                  r"is outside guest RAM",
                  r"^vmm: hostile: virtio slot 0 \(device 3\): queue 1: descriptor 200 out of 8",
                  r"^vmm: hostile: virtio slot 0 \(device 3\): queue 1: avail index",
                  r"^vmm: hostile: vcpu 0: 4-byte load at guest-physical 0x30000000 "
                  r"\(pc 0x[0-9a-f]+\): no device there$",
                  r"^vmm: hostile: stopped: the guest asked for shutdown \(no reason\)$",
                  r"^root: hostile exited with status 0$"] + vm_smoke("linux", 1)[-2:]),
        forbid=FAILURES + [r"FAILED", r"page fault", r"not returned", r"cannot"]),
    # Two VMs at once, each with its own console lines and disk.
    Scenario("vm-linux-two-vms", archive_bytes=vm_archive(
        vm_block("vm1", 2, "smoke") + vm_block("vm2", 1, "smoke")), mem="512M",
        timeout=300, expect=[r"^root: all programs ended$"] + ROOT_ENDS,
        anywhere=unanchored(vm_smoke("vm1", 2)[:1] + vm_smoke("vm2", 1)[:1] +
                            vm_smoke("vm1", 2)[-2:] + vm_smoke("vm2", 1)[-2:]),
        forbid=FAILURES + [r"no device there", r"virtio slot", r"cannot", r"not returned"]),
    Scenario("root-program-faults", archive_bytes=root_archive(
        "start hello as crasher\n    args \"crash\"\n    cap log vcon\n"
        "start hello as trapper\n    args \"trap\"\n    cap log vcon\n"
        "start hello\n    cap log vcon\n"),
        expect=[r"^root: crasher: page fault at 0x10 \(pc 0x[0-9a-f]+, read\)$",
                r"^root: all programs ended$"] + ROOT_ENDS,
        anywhere=[r"^hello from hello$",
                  r"^root: hello exited with status 0$",
                  r"^root: trapper: exception, cause 3 \(value 0x[0-9a-f]+\) "
                  r"at pc 0x[0-9a-f]+$"],
        forbid=FAILURES + [r"^hello from crasher", r"^hello from trapper", r"not returned",
                           r"^root: restarting"]),
    Scenario("root-restart-on-failure", archive_bytes=root_archive(
        "start hello as failing\n    args \"fail\"\n    cap log vcon\n"
        "    restart on-failure\n"),
        expect=[r"^root: failing exited with status 3$",
                r"^root: restarting failing \(1 of at most 3\)$",
                r"^root: failing exited with status 3$",
                r"^root: restarting failing \(2 of at most 3\)$",
                r"^root: failing exited with status 3$",
                r"^root: restarting failing \(3 of at most 3\)$",
                r"^root: failing exited with status 3$",
                r"^root: failing: not restarted: restart on-failure allows "
                r"at most 3 restarts$",
                r"^root: all programs ended$"] + ROOT_ENDS,
        forbid=FAILURES + [r"not returned", r"\(4 of"]),
    Scenario("root-quota-too-large", archive_bytes=root_archive(
        "start hello\n    quota 1G\nstart hello as hello2\n"),
        expect=root_refuses(
            r"^root: hello: quota 1048576 KiB exceeds the root factory's "
            r"\d+ KiB$"),
        forbid=FAILURES + NOTHING_STARTED),
    Scenario("root-memory-limit", archive_bytes=root_archive(
        "start hello\n    memory 64K\n"),
        expect=root_refuses(
            r"^root: hello: needs \d+ KiB of memory .*, memory allows 64 KiB$"),
        forbid=FAILURES + NOTHING_STARTED),
]
