# Vireo: one entry point. `make` builds, `make run` boots the demo under
# QEMU, `make test` runs every test tier, `make debug` waits for gdb.

BUILD := build
MAKEFLAGS += --jobs=$(shell nproc)
CROSS := riscv64-linux-gnu-
KCC := $(CROSS)gcc
HOSTCC := gcc
PYTHON := python3
QEMU := qemu-system-riscv64
OPENSBI := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

SMP ?= 2
MEM ?= 256M
APPEND ?=

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wconversion
INCLUDES := -Iinclude -Ikernel/include -Iarch/riscv64/include -I$(BUILD)/include

# The kernel: freestanding, no FPU registers, code model that reaches the
# top 2 GiB and runs PC-relative before the MMU is on.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie \
	-mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 \
	-fno-stack-protector -fno-tree-loop-distribute-patterns \
	$(WARN) $(INCLUDES) -MMD -MP
KLDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,-z,max-page-size=4096

# Host builds of the portable code for the unit tests.
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HCFLAGS := -std=gnu11 -O1 -g $(SANITIZE) $(WARN) -Iinclude -Ikernel/include -Iuser/root -MMD -MP
TCFLAGS := -std=gnu11 -O1 -g $(SANITIZE) -Wall -Wextra -Werror -Iinclude -Ikernel/include -Iuser/root -MMD -MP

# Portable sources that the host unit tests link (kernel/ without the parts
# that need the console or the architecture, and the root task's parsers).
PORTABLE := kernel/fdt.c kernel/bootinfo.c kernel/cpio.c kernel/palloc.c kernel/memory.c \
	kernel/cmdline.c kernel/elf.c kernel/mapdb.c kernel/quota.c kernel/cspace.c \
	kernel/lib/crc32.c kernel/lib/fmt.c \
	user/root/bootcfg.c

KERNEL_C := $(wildcard kernel/*.c kernel/lib/*.c) \
	$(filter-out arch/riscv64/asm-offsets.c,$(wildcard arch/riscv64/*.c))
KERNEL_S := $(filter-out arch/riscv64/kernel.ld.S,$(wildcard arch/riscv64/*.S))
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_C) $(KERNEL_S))
KERNEL := $(BUILD)/vireo.elf
ASM_OFFSETS := $(BUILD)/include/generated/asm-offsets.h
LDSCRIPT := $(BUILD)/kernel/kernel.ld

# Native programs: picolibc, our crt0 and linker script (user/lib).
UCC := riscv64-unknown-elf-gcc
UCFLAGS := -std=gnu11 -O2 -g -march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany \
	--specs=picolibc.specs $(WARN) -Wno-conversion -Iinclude -Iuser/lib -MMD -MP
ULDFLAGS := -nostartfiles -static -T user/lib/user.ld
LIBVIREO_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(wildcard user/lib/*.c user/lib/*.S))
VTEST_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(wildcard user/tests/vtest/*.c))
VTEST := $(BUILD)/user/vtest.elf
BENCH_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(wildcard user/bench/*.c))
BENCH := $(BUILD)/user/bench.elf
VGUEST_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(wildcard user/tests/vguest/*.c))
VGUEST := $(BUILD)/user/vguest.elf
TEST_ARCHIVE := $(BUILD)/test-archive.cpio

# The root task: its own parts, the boot.cfg parser, and the kernel's
# portable ELF and cpio readers built with the user toolchain.
ROOT_SRCS := $(wildcard user/root/*.c) kernel/elf.c kernel/cpio.c
ROOT_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(ROOT_SRCS))
ROOT_TASK := $(BUILD)/user/root.elf
# Programs boot.cfg starts: one source file each under user/demo/.
DEMOS := hello echo-server echo-client
DEMO_ELFS := $(patsubst %,$(BUILD)/user/%.elf,$(DEMOS))

# The VMM (user/vmm): the device model and the native backend; kvm.c is the
# other backend, for Linux.
VMM_SRCS := $(filter-out user/vmm/kvm.c,$(wildcard user/vmm/*.c))
VMM_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(VMM_SRCS))
VMM := $(BUILD)/user/vmm.elf

# The Linux guest: Image and BusyBox from scripts/guest-build's cache
# (outside the clone), the initramfs packed here from rootfs/.
GUEST_IMAGE := $(BUILD)/guest/Image
GUEST_BUSYBOX := $(BUILD)/guest/busybox
GUEST_INITRAMFS := $(BUILD)/guest/initramfs.cpio
GUEST_DISK := $(BUILD)/guest/disk.img
# Bare guests for the VMM's tests and benchmarks: VS-mode code in a Linux
# Image's clothes (user/tests/bareguest: one .c file each).
BARE_GUESTS := $(BUILD)/guest/hostile.bin $(BUILD)/guest/benchguest.bin
# The KVM backend: the VMM for riscv64 Linux, and a Linux host's initramfs
# holding it and the guest (tests/system: vm-kvm-backend-smoke).
VMM_KVM := $(BUILD)/guest/vmm-kvm
KVM_HOST_INITRAMFS := $(BUILD)/guest/kvm-host.cpio

# The boot archive: the source members listed in boot/modules.list, then
# the programs built here (NAME=PATH).
ARCHIVE := $(BUILD)/boot.cpio
MODULES := boot/modules.list
ARCHIVE_PROGRAMS := root=$(ROOT_TASK) $(foreach d,$(DEMOS),$(d)=$(BUILD)/user/$(d).elf) \
	vmm=$(VMM) linux-Image=$(GUEST_IMAGE) initramfs=$(GUEST_INITRAMFS) disk.img=$(GUEST_DISK)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
HOST_LIB := $(BUILD)/unit/libportable.a
HOST_OBJS := $(patsubst %,$(BUILD)/host/%.o,$(PORTABLE))
FIXTURE_DTBS := $(patsubst tests/unit/data/%.dts,$(BUILD)/unit/data/%.dtb,$(wildcard tests/unit/data/*.dts))
QEMU_DTBS := $(BUILD)/unit/data/qemu-virt-smp1-128M.dtb $(BUILD)/unit/data/qemu-virt-smp4-512M.dtb
UNIT_DATA := $(FIXTURE_DTBS) $(QEMU_DTBS) $(BUILD)/unit/data/sample.cpio \
	$(BUILD)/unit/data/sample.elf

RUN_ARCHIVE ?= $(ARCHIVE)
QEMU_ARGS = -M virt -cpu rv64,h=true -smp $(SMP) -m $(MEM) -nographic \
	-bios $(OPENSBI) -kernel $(KERNEL) -initrd $(RUN_ARCHIVE) $(if $(APPEND),-append "$(APPEND)")

SETUP_STAMP := $(BUILD)/.setup-done

# Quiet by default; `make V=1` shows the commands.
ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-6s %s\n'
endif

.PHONY: all setup run debug gdb test bench unit-tests clean
.DELETE_ON_ERROR:

all: $(KERNEL) $(ARCHIVE) $(TEST_ARCHIVE) $(KVM_HOST_INITRAMFS) $(BARE_GUESTS)

# Every build first makes sure the Debian packages are present. The stamp
# keeps this to one quick check per change of the script.
$(SETUP_STAMP): scripts/setup
	@scripts/setup
	@mkdir -p $(@D) && touch $@

setup:
	@scripts/setup

$(KERNEL_OBJS) $(HOST_OBJS) $(UNIT_BINS) $(ASM_OFFSETS) $(LDSCRIPT) $(ARCHIVE) $(UNIT_DATA) \
	$(LIBVIREO_OBJS) $(VTEST_OBJS) $(BENCH_OBJS) $(VGUEST_OBJS) $(ROOT_OBJS) $(DEMO_ELFS) \
	$(VMM_OBJS) $(GUEST_IMAGE) $(GUEST_BUSYBOX) $(GUEST_DISK): | $(SETUP_STAMP)

# The offsets come from structures in these headers: any change regenerates them.
$(ASM_OFFSETS): arch/riscv64/asm-offsets.c $(wildcard kernel/include/kernel/*.h \
		arch/riscv64/include/arch/*.h include/vireo/*.h)
	@mkdir -p $(@D)
	$(say) GEN $@
	$(Q)$(KCC) $(filter-out -MMD -MP,$(KCFLAGS)) -S -o $@.s $<
	$(Q)sed -n 's/^->\([A-Z_0-9]*\) \(.*\)$$/#define \1 \2/p' $@.s > $@.tmp
	$(Q){ echo '/* Generated from arch/riscv64/asm-offsets.c; do not edit. */'; cat $@.tmp; } > $@
	$(Q)rm -f $@.s $@.tmp

$(BUILD)/kernel/%.c.o: %.c | $(ASM_OFFSETS)
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(KCC) $(KCFLAGS) -c -o $@ $<

$(BUILD)/kernel/%.S.o: %.S $(ASM_OFFSETS)
	@mkdir -p $(@D)
	$(say) AS $<
	$(Q)$(KCC) $(KCFLAGS) -D__ASSEMBLER__ -c -o $@ $<

$(LDSCRIPT): arch/riscv64/kernel.ld.S arch/riscv64/include/arch/layout.h
	@mkdir -p $(@D)
	$(say) LDS $@
	$(Q)$(KCC) -E -P -x c -D__ASSEMBLER__ $(INCLUDES) -o $@ $<

$(KERNEL): $(KERNEL_OBJS) $(LDSCRIPT)
	$(say) LD $@
	$(Q)$(KCC) $(KCFLAGS) $(KLDFLAGS) -T $(LDSCRIPT) -o $@ $(KERNEL_OBJS)

$(ARCHIVE): $(MODULES) scripts/mkcpio $(shell sed -n 's/^[^#][^ ]* \(.*\)$$/boot\/\1/p' $(MODULES)) \
	$(ROOT_TASK) $(DEMO_ELFS) $(VMM) $(GUEST_IMAGE) $(GUEST_INITRAMFS) $(GUEST_DISK)
	@mkdir -p $(@D)
	$(say) CPIO $@
	$(Q)$(PYTHON) scripts/mkcpio -o $@ --list $(MODULES) $(ARCHIVE_PROGRAMS)

$(BUILD)/user/%.c.o: %.c
	@mkdir -p $(@D)
	$(say) UCC $<
	$(Q)$(UCC) $(UCFLAGS) -c -o $@ $<

$(BUILD)/user/%.S.o: %.S
	@mkdir -p $(@D)
	$(say) UAS $<
	$(Q)$(UCC) $(UCFLAGS) -c -o $@ $<

$(VTEST): $(VTEST_OBJS) $(LIBVIREO_OBJS) user/lib/user.ld
	$(say) ULD $@
	$(Q)$(UCC) $(UCFLAGS) $(ULDFLAGS) -o $@ $(VTEST_OBJS) $(LIBVIREO_OBJS)

$(BENCH): $(BENCH_OBJS) $(LIBVIREO_OBJS) user/lib/user.ld
	$(say) ULD $@
	$(Q)$(UCC) $(UCFLAGS) $(ULDFLAGS) -o $@ $(BENCH_OBJS) $(LIBVIREO_OBJS)

$(VGUEST): $(VGUEST_OBJS) $(LIBVIREO_OBJS) user/lib/user.ld
	$(say) ULD $@
	$(Q)$(UCC) $(UCFLAGS) $(ULDFLAGS) -o $@ $(VGUEST_OBJS) $(LIBVIREO_OBJS)

# The root task also reads the kernel's headers (elf.h, cpio.h).
$(ROOT_OBJS): UCFLAGS += -Ikernel/include -Iuser/root

$(ROOT_TASK): $(ROOT_OBJS) $(LIBVIREO_OBJS) user/lib/user.ld
	$(say) ULD $@
	$(Q)$(UCC) $(UCFLAGS) $(ULDFLAGS) -o $@ $(ROOT_OBJS) $(LIBVIREO_OBJS)

$(DEMO_ELFS): $(BUILD)/user/%.elf: $(BUILD)/user/user/demo/%.c.o $(LIBVIREO_OBJS) user/lib/user.ld
	$(say) ULD $@
	$(Q)$(UCC) $(UCFLAGS) $(ULDFLAGS) -o $@ $< $(LIBVIREO_OBJS)

$(VMM): $(VMM_OBJS) $(LIBVIREO_OBJS) user/lib/user.ld
	$(say) ULD $@
	$(Q)$(UCC) $(UCFLAGS) $(ULDFLAGS) -o $@ $(VMM_OBJS) $(LIBVIREO_OBJS)

# Built once per config into the cache; the copy here is what the archive takes.
$(GUEST_IMAGE): guest/linux.config scripts/guest-build
	@mkdir -p $(@D)
	$(say) GUEST $@
	$(Q)cp "$$(scripts/guest-build linux)" $@

$(GUEST_BUSYBOX): rootfs/busybox.config scripts/guest-build
	@mkdir -p $(@D)
	$(say) GUEST $@
	$(Q)cp "$$(scripts/guest-build busybox)" $@

$(GUEST_INITRAMFS): $(GUEST_BUSYBOX) scripts/mkinitramfs $(shell find rootfs -type f)
	$(say) CPIO $@
	$(Q)$(PYTHON) scripts/mkinitramfs -o $@ --busybox $(GUEST_BUSYBOX) --root rootfs

$(VMM_KVM): $(filter-out user/vmm/native.c,$(wildcard user/vmm/*.c)) $(wildcard user/vmm/*.h)
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CROSS)gcc -std=gnu11 -O2 -g -static $(WARN) -Wno-conversion -Iuser/vmm -o $@ \
		$(filter %.c,$^) -lpthread

$(KVM_HOST_INITRAMFS): $(GUEST_BUSYBOX) $(VMM_KVM) $(GUEST_IMAGE) $(GUEST_INITRAMFS) $(GUEST_DISK) \
		$(BUILD)/guest/benchguest.bin \
		scripts/mkinitramfs $(shell find rootfs -type f)
	$(say) CPIO $@
	$(Q)$(PYTHON) scripts/mkinitramfs -o $@ --busybox $(GUEST_BUSYBOX) --root rootfs \
		--add vmm=$(VMM_KVM) --add guest/Image=$(GUEST_IMAGE) \
		--add guest/initramfs.cpio=$(GUEST_INITRAMFS) --add guest/disk.img=$(GUEST_DISK) \
		--add guest/benchguest.bin=$(BUILD)/guest/benchguest.bin

$(BUILD)/guest/hostile.bin: user/tests/bareguest/hostile.c
$(BUILD)/guest/benchguest.bin: user/tests/bareguest/bench.c
$(BARE_GUESTS): user/tests/bareguest/head.S user/tests/bareguest/bare.ld user/tests/bareguest/bare.h
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(UCC) -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -O2 -ffreestanding -nostdlib \
		-fno-pic $(WARN) -Wno-conversion -Wl,--no-warn-rwx-segments \
		-T user/tests/bareguest/bare.ld -o $@.elf $(filter %.S %.c,$^)
	$(Q)riscv64-unknown-elf-objcopy -O binary $@.elf $@

# The guests' disk: 4 MiB of ext2 holding guest/disk/.
$(GUEST_DISK): $(wildcard guest/disk/*)
	@mkdir -p $(@D)
	$(say) MKE2FS $@
	$(Q)rm -f $@ && /sbin/mke2fs -q -t ext2 -b 1024 -L vireo -d guest/disk $@ 4M >/dev/null

# The archive the in-system tests and benchmarks boot (root=vtest, bench or vguest).
$(TEST_ARCHIVE): $(VTEST) $(BENCH) $(VGUEST) scripts/mkcpio
	$(say) CPIO $@
	$(Q)$(PYTHON) scripts/mkcpio -o $@ vtest=$(VTEST) bench=$(BENCH) vguest=$(VGUEST)

run: all
	@echo "Booting Vireo under QEMU (Ctrl-A x quits QEMU)"
	$(QEMU) $(QEMU_ARGS)

debug: all
	@echo "QEMU waits for gdb: in another terminal run 'make gdb'"
	$(QEMU) $(QEMU_ARGS) -s -S

gdb: $(KERNEL)
	gdb-multiarch $(KERNEL) -ex 'set architecture riscv:rv64' -ex 'target remote :1234'

# --- unit tests (host, ASan + UBSan) ---

$(BUILD)/host/%.c.o: %.c
	@mkdir -p $(@D)
	$(say) HOSTCC $<
	$(Q)$(HOSTCC) $(HCFLAGS) -c -o $@ $<

$(HOST_LIB): $(HOST_OBJS)
	$(say) AR $@
	$(Q)mkdir -p $(@D) && rm -f $@
	$(Q)ar rcs $@ $^

# The VMM's device model, with the test's stub backend.
VMM_MODEL_SRCS := $(filter-out user/vmm/main.c user/vmm/native.c user/vmm/kvm.c,$(wildcard user/vmm/*.c))
$(BUILD)/unit/test_vmm: tests/unit/test_vmm.c $(VMM_MODEL_SRCS) $(wildcard user/vmm/*.h) $(HOST_LIB)
	@mkdir -p $(@D)
	$(say) HOSTLD $@
	$(Q)$(HOSTCC) $(TCFLAGS) -Iuser/vmm -o $@ $< $(VMM_MODEL_SRCS) $(HOST_LIB) -lcmocka

$(BUILD)/unit/%: tests/unit/%.c $(HOST_LIB)
	@mkdir -p $(@D)
	$(say) HOSTLD $@
	$(Q)$(HOSTCC) $(TCFLAGS) -o $@ $< $(HOST_LIB) -lcmocka

$(BUILD)/unit/data/%.dtb: tests/unit/data/%.dts
	@mkdir -p $(@D)
	$(say) DTC $@
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/unit/data/qemu-virt-smp%.dtb:
	@mkdir -p $(@D)
	$(say) DUMPDTB $@
	$(Q)$(QEMU) -M virt,dumpdtb=$@ -cpu rv64,h=true -nographic \
		-smp $(word 1,$(subst -, ,$*)) -m $(word 2,$(subst -, ,$*)) >/dev/null

# An archive made by GNU cpio, not by our packer, for the parser's tests.
$(BUILD)/unit/data/sample.cpio: $(MODULES)
	@mkdir -p $(@D)
	$(say) CPIO $@
	$(Q)cd boot && sed -n 's/^[^#][^ ]* \(.*\)$$/\1/p' modules.list | cpio --quiet -o -H newc > $(abspath $@)

# A real static riscv64 executable from the cross toolchain, for the ELF parser's tests.
$(BUILD)/unit/data/sample.elf: tests/unit/data/sample.c
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CROSS)gcc -nostdlib -static -O2 -o $@ $<

unit-tests: $(UNIT_BINS) $(UNIT_DATA)

test: all unit-tests
	$(PYTHON) tests/run

# Deterministic instruction counts under -icount shift=0; tables under build/bench/.
bench: all
	$(PYTHON) scripts/bench

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
