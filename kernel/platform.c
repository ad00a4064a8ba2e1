/* The Scheduler and Platform_control objects (see kernel/platform.h). */
#include <kernel/arch.h>
#include <kernel/clock.h>
#include <kernel/cspace.h>
#include <kernel/kmain.h>
#include <kernel/msg.h>
#include <kernel/platform.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/task.h>
#include <vireo/fpage.h>

#define MAX_SLICE_US 1000000

static struct kobject scheduler, platform;

static struct kobject *boot_object(struct kobject *obj, enum vireo_kind kind)
{
	if (obj->kind == VIREO_KIND_NONE)
		kobject_init(obj, kind);
	return obj;
}

struct kobject *scheduler_boot(void)
{
	return boot_object(&scheduler, VIREO_KIND_SCHEDULER);
}

struct kobject *platform_boot(void)
{
	return boot_object(&platform, VIREO_KIND_PLATFORM);
}

static void boot_object_release(struct kobject *obj)
{
	(void)obj; /* they live as long as the kernel */
}

static enum vireo_status run_thread(struct thread *caller, struct msg *m)
{
	struct kobject *obj;
	uint64_t cpu = msg_word(m, 2), prio = msg_word(m, 3), slice = msg_word(m, 4);
	enum vireo_status st;

	if (msg_words(m) < 5)
		return VIREO_E_ARG;
	st = cspace_get(&caller->task->cspace, msg_word(m, 1), VIREO_CAP_WRITE, &obj, 0);
	if (st != VIREO_OK)
		return st;
	if (obj->kind != VIREO_KIND_THREAD || cpu >= cpu_count || prio > 255 ||
	    slice > MAX_SLICE_US)
		return VIREO_E_ARG;
	if (!cpu_online(&cpus[cpu]))
		return VIREO_E_BUSY;
	sched_set_params((struct thread *)obj, &cpus[cpu], (uint8_t)prio, (uint32_t)slice);
	return VIREO_OK;
}

static enum vireo_status scheduler_invoke(struct kobject *obj, unsigned rights,
					  struct thread *caller, struct msg *m)
{
	(void)obj;
	switch (msg_op(m)) {
	case VIREO_SCHED_RUN_THREAD:
		return rights & VIREO_CAP_WRITE ? run_thread(caller, m) : VIREO_E_RIGHTS;
	case VIREO_SCHED_INFO:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		msg_reply(m, 4);
		msg_set(m, 0, cpu_count);
		msg_set(m, 1, clock_timebase_hz());
		msg_set(m, 2, 255);
		msg_set(m, 3, smp_online_mask());
		return VIREO_OK;
	case VIREO_SCHED_IDLE_TIME:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		if (msg_word(m, 1) >= cpu_count)
			return VIREO_E_ARG;
		msg_reply(m, 1);
		msg_set(m, 0, sched_idle_ticks(&cpus[msg_word(m, 1)]));
		return VIREO_OK;
	case VIREO_SCHED_THIS_CPU:
		if (!(rights & VIREO_CAP_READ))
			return VIREO_E_RIGHTS;
		msg_reply(m, 1);
		msg_set(m, 0, cpu_val(cpu_this()->id));
		return VIREO_OK;
	default:
		return VIREO_E_OP;
	}
}

static enum vireo_status platform_invoke(struct kobject *obj, unsigned rights,
					 struct thread *caller, struct msg *m)
{
	uint64_t n = msg_word(m, 1);

	(void)obj;
	(void)caller;
	if (msg_op(m) < VIREO_PLATFORM_POWEROFF || msg_op(m) > VIREO_PLATFORM_CPU_ONLINE)
		return VIREO_E_OP;
	if (!(rights & VIREO_CAP_WRITE))
		return VIREO_E_RIGHTS;
	switch (msg_op(m)) {
	case VIREO_PLATFORM_POWEROFF:
		arch_poweroff();
	case VIREO_PLATFORM_REBOOT:
		return arch_reboot() ? VIREO_OK : VIREO_E_BUSY;
	case VIREO_PLATFORM_CPU_OFFLINE:
		if (msg_words(m) < 2 || n >= cpu_count)
			return VIREO_E_ARG;
		return smp_cpu_offline((unsigned)n);
	default:
		if (msg_words(m) < 2 || n >= cpu_count)
			return VIREO_E_ARG;
		return smp_cpu_online((unsigned)n);
	}
}

const struct kobject_ops scheduler_ops = {
	.invoke = scheduler_invoke,
	.release = boot_object_release,
};

const struct kobject_ops platform_ops = {
	.invoke = platform_invoke,
	.release = boot_object_release,
};
