/* FP registers of threads (see arch/fpu.h). */
#include <arch/fpu.h>
#include <arch/percpu.h>
#include <kernel/cpu.h>

#define FS_INITIAL (1UL << 13)
#define FS_CLEAN (2UL << 13)
#define FS_DIRTY (3UL << 13)

/* The kernel is built without F and D: these few instructions say so themselves. */
#define FP_REGS(op, base)                                                                   \
	".option push\n.option arch, +d\n"                                                  \
	op " f0, 0(" base ")\n" op " f1, 8(" base ")\n" op " f2, 16(" base ")\n"             \
	op " f3, 24(" base ")\n" op " f4, 32(" base ")\n" op " f5, 40(" base ")\n"           \
	op " f6, 48(" base ")\n" op " f7, 56(" base ")\n" op " f8, 64(" base ")\n"           \
	op " f9, 72(" base ")\n" op " f10, 80(" base ")\n" op " f11, 88(" base ")\n"         \
	op " f12, 96(" base ")\n" op " f13, 104(" base ")\n" op " f14, 112(" base ")\n"      \
	op " f15, 120(" base ")\n" op " f16, 128(" base ")\n" op " f17, 136(" base ")\n"     \
	op " f18, 144(" base ")\n" op " f19, 152(" base ")\n" op " f20, 160(" base ")\n"     \
	op " f21, 168(" base ")\n" op " f22, 176(" base ")\n" op " f23, 184(" base ")\n"     \
	op " f24, 192(" base ")\n" op " f25, 200(" base ")\n" op " f26, 208(" base ")\n"     \
	op " f27, 216(" base ")\n" op " f28, 224(" base ")\n" op " f29, 232(" base ")\n"     \
	op " f30, 240(" base ")\n" op " f31, 248(" base ")\n"

void arch_fpu_leave(struct fpu_state *prev)
{
	uint64_t sstatus = csr_read(sstatus);

	if (prev && (sstatus & SSTATUS_FS) == FS_DIRTY) {
		uint64_t fcsr;

		__asm__ volatile(FP_REGS("fsd", "%1") "frcsr %0\n.option pop"
				 : "=r"(fcsr)
				 : "r"(prev->f)
				 : "memory");
		prev->fcsr = fcsr;
	}
	csr_clear(sstatus, SSTATUS_FS);
}

/* Put f into the hart's registers; FS Clean. */
static void load(struct fpu_state *f)
{
	csr_set(sstatus, FS_INITIAL);
	__asm__ volatile(FP_REGS("fld", "%0") "fscsr %1\n.option pop"
			 :
			 : "r"(f->f), "r"(f->fcsr)
			 : "memory");
	csr_clear(sstatus, SSTATUS_FS);
	csr_set(sstatus, FS_CLEAN);
	cpu_this()->arch.fpu_loaded = f;
	f->loaded_on = cpu_this();
}

bool arch_fpu_first_use(struct fpu_state *f)
{
	if (csr_read(sstatus) & SSTATUS_FS)
		return false;
	if (!f->used) {
		/* A thread's first FP instruction ever: its registers start at zero. */
		for (unsigned i = 0; i < 32; i++)
			f->f[i] = 0;
		f->fcsr = 0;
		f->used = true;
	}
	load(f);
	return true;
}

/*
 * A thread that has used the FPU gets its registers back before it runs
 * (eagerly, unless this hart still holds them): so it never needs the trap
 * again, and a thread that is switched out before every retry (a timer
 * interrupt pending on its way back) still gets on.
 */
void arch_fpu_resume(struct fpu_state *f)
{
	struct cpu *c = cpu_this();

	if (!f->used || (csr_read(sstatus) & SSTATUS_FS))
		return;
	if (c->arch.fpu_loaded == f && f->loaded_on == c)
		csr_set(sstatus, FS_CLEAN);
	else
		load(f);
}

void arch_fpu_forget(const struct fpu_state *f)
{
	for (unsigned i = 0; i < cpu_count; i++)
		if (cpus[i].arch.fpu_loaded == f)
			cpus[i].arch.fpu_loaded = 0;
}
