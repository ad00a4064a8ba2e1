/*
 * Kernel protocols: the tag label says which protocol a message speaks,
 * MR0 says which operation. Each object's operations, arguments, rights and
 * errors are documented in docs/abi/<object>.md.
 */
#ifndef VIREO_PROTOCOL_H
#define VIREO_PROTOCOL_H

/* Labels of kernel protocols (negative; user protocols use any other value). */
#define VIREO_PROTO_KOBJECT (-1)   /* operations every object has */
#define VIREO_PROTO_FACTORY (-2)
#define VIREO_PROTO_TASK (-3)
#define VIREO_PROTO_THREAD (-4)
#define VIREO_PROTO_IPC_GATE (-5)
#define VIREO_PROTO_VCON (-6)
#define VIREO_PROTO_IRQ (-7)
#define VIREO_PROTO_SCHEDULER (-8)
#define VIREO_PROTO_PLATFORM (-9)
#define VIREO_PROTO_ICU (-10)
#define VIREO_PROTO_DEBUGGER (-11)
/* Messages the kernel sends on a thread's behalf. */
#define VIREO_PROTO_PAGE_FAULT (-16)
#define VIREO_PROTO_EXCEPTION (-17)

/* Object kinds (Factory create, kobject info). */
enum vireo_kind {
	VIREO_KIND_NONE = 0,
	VIREO_KIND_FACTORY = 1,
	VIREO_KIND_TASK = 2,
	VIREO_KIND_THREAD = 3,
	VIREO_KIND_IPC_GATE = 4,
	VIREO_KIND_VCON = 5,
	VIREO_KIND_IRQ = 6,
	VIREO_KIND_SCHEDULER = 7,
	VIREO_KIND_PLATFORM = 8,
	VIREO_KIND_ICU = 9,
	VIREO_KIND_DEBUGGER = 10,
	/*
	 * A guest-physical address space for a hardware-assisted VM (H
	 * extension). It speaks the Task protocol for its memory: Task.map
	 * into it puts the VMM's memory at guest-physical addresses (below
	 * 2^41); no thread binds to it.
	 */
	VIREO_KIND_VM = 11,
	VIREO_KIND_COUNT
};

/* VIREO_PROTO_KOBJECT operations. */
enum {
	VIREO_KOBJECT_INFO = 1,   /* -> MR0 kind, MR1 rights of this capability */
	VIREO_KOBJECT_DELETE = 2, /* needs DELETE: destroy the object everywhere */
};

/* VIREO_PROTO_FACTORY operations. */
enum {
	/*
	 * MR1 kind, MR2 destination selector in the caller's space, then:
	 *   FACTORY:  MR3 quota in bytes (charged to this factory at once)
	 *   TASK:     MR3 UTCB area address, MR4 log2 of its size (>= 12)
	 *   THREAD:   -
	 *   IPC_GATE: MR3 thread selector (or VIREO_CAP_INVALID), MR4 label
	 *   IRQ:      -
	 */
	VIREO_FACTORY_CREATE = 1,
	VIREO_FACTORY_QUOTA = 2, /* -> MR0 limit, MR1 used (bytes) */
};

/* VIREO_PROTO_TASK operations. */
enum {
	/*
	 * MR1 source flexpage in the caller's task, MR2 destination base,
	 * MR3 flags (VIREO_MAP_GRANT: move whole mappings instead of sharing).
	 */
	VIREO_TASK_MAP = 1,
	/* MR1 flexpage, MR2 rights to remove, MR3 flags (VIREO_UNMAP_SELF). */
	VIREO_TASK_UNMAP = 2,
	/* MR1 selector -> MR0 kind (VIREO_KIND_NONE if empty), MR1 rights. */
	VIREO_TASK_CAP_INFO = 3,
	/* MR1 address -> MR0 VIREO_MEM_* rights there (0: unmapped), MR1 log2 mapping size. */
	VIREO_TASK_MEM_INFO = 4,
};

#define VIREO_MAP_GRANT 0x1u
#define VIREO_UNMAP_SELF 0x1u

/* VIREO_PROTO_THREAD operations. */
enum {
	/* MR1 task selector, MR2 UTCB address inside that task's UTCB area. */
	VIREO_THREAD_BIND = 1,
	/*
	 * MR1 which fields (VIREO_THREAD_CTL_*), MR2 pager selector,
	 * MR3 exception handler selector, MR4 priority (0..255).
	 */
	VIREO_THREAD_CONTROL = 2,
	/* MR1 ip, MR2 sp (~0 = leave unchanged) -> MR0 old ip, MR1 old sp; starts the thread. */
	VIREO_THREAD_EX_REGS = 3,
	/*
	 * On the caller's own thread: give the CPU to the next ready thread of
	 * the same priority (none: return at once). Needs WRITE.
	 */
	VIREO_THREAD_YIELD = 4,
	/*
	 * MR1 address of a vCPU state area (include/vireo/vcpu.h) in the
	 * thread's task's UTCB area: the thread becomes a vCPU (one-way).
	 */
	VIREO_THREAD_VCPU_ENABLE = 5,
	/*
	 * On the caller's own vCPU thread: continue with the registers of the
	 * state area (in its user_task with VIREO_VCPU_USER_MODE in
	 * saved_state). Returns only on an error.
	 */
	VIREO_THREAD_VCPU_RESUME = 6,
	/*
	 * On the caller's own vCPU: read or write the memory of the guest of
	 * the Vm its user_task names, with the guest's own translation
	 * (state area: vsatp, vsstatus, guest_mode). MR1 guest-virtual
	 * address, MR2 VIREO_GUEST_* access, MR3 the value to store ->
	 * MR0 the value read. VIREO_E_RANGE if the guest could not access it.
	 */
	VIREO_THREAD_VCPU_GUEST_MEM = 7,
};

#define VIREO_GUEST_LOAD 0u  /* 8 bytes, naturally aligned */
#define VIREO_GUEST_FETCH 1u /* the instruction (16 or 32 bits), fetched with execute permission */
#define VIREO_GUEST_STORE 2u /* 8 bytes, naturally aligned */

#define VIREO_THREAD_CTL_PAGER 0x1u
#define VIREO_THREAD_CTL_EXC_HANDLER 0x2u
#define VIREO_THREAD_CTL_PRIORITY 0x4u

/* VIREO_PROTO_IPC_GATE operations (need WRITE on the gate). */
enum {
	VIREO_GATE_BIND = 1, /* MR1 thread selector, MR2 label (low 4 bits must be 0) */
	VIREO_GATE_INFO = 2, /* -> MR0 label */
};

/*
 * VIREO_PROTO_IRQ operations. An Irq is an asynchronous signal without
 * payload: triggering it (software, a timer, later a device through the
 * Icu) makes it pending; a pending, unmasked Irq bound to a thread is
 * delivered as a message with no words, tag label VIREO_PROTO_IRQ and the
 * bind label in a2, when that thread receives (open, or closed on the Irq).
 * Triggers while pending coalesce. Delivery masks the Irq until the
 * receiver acknowledges it (VIREO_IRQ_UNMASK), so a handler is never
 * flooded.
 */
enum {
	VIREO_IRQ_BIND = 1,    /* MR1 thread selector, MR2 label (low 4 bits 0); needs WRITE */
	VIREO_IRQ_DETACH = 2,  /* needs WRITE; a pending trigger stays pending */
	VIREO_IRQ_TRIGGER = 3, /* needs SEND */
	VIREO_IRQ_MASK = 4,    /* needs WRITE */
	VIREO_IRQ_UNMASK = 5,  /* needs WRITE: acknowledge and allow the next delivery */
	/*
	 * MR1 mode (VIREO_IRQ_TIMER_*), MR2 time in timebase ticks (relative or
	 * absolute), MR3 period in ticks for VIREO_IRQ_TIMER_PERIODIC. Needs WRITE.
	 */
	VIREO_IRQ_SET_TIMER = 6,
	VIREO_IRQ_STOP_TIMER = 7, /* needs WRITE */
	VIREO_IRQ_INFO = 8,       /* -> MR0 flags (VIREO_IRQ_INFO_*); needs READ */
};

#define VIREO_IRQ_TIMER_RELATIVE 1u
#define VIREO_IRQ_TIMER_ABSOLUTE 2u
#define VIREO_IRQ_TIMER_PERIODIC 3u

#define VIREO_IRQ_INFO_BOUND 0x1u
#define VIREO_IRQ_INFO_PENDING 0x2u
#define VIREO_IRQ_INFO_MASKED 0x4u
#define VIREO_IRQ_INFO_TIMER 0x8u

/* VIREO_PROTO_SCHEDULER operations (the one Scheduler, given to the root task). */
enum {
	/*
	 * MR1 thread selector (needs WRITE on it), MR2 CPU (an online one),
	 * MR3 priority (0..255), MR4 time slice in microseconds (0: the
	 * default, 10 ms). Needs WRITE.
	 */
	VIREO_SCHED_RUN_THREAD = 1,
	/*
	 * -> MR0 number of CPUs, MR1 timebase in Hz, MR2 highest priority,
	 * MR3 bit n set for every online CPU n. Needs READ.
	 */
	VIREO_SCHED_INFO = 2,
	/* MR1 CPU -> MR0 timebase ticks that CPU spent idle. Needs READ. */
	VIREO_SCHED_IDLE_TIME = 3,
	/* -> MR0 the CPU the calling thread runs on. Needs READ. */
	VIREO_SCHED_THIS_CPU = 4,
};

/* VIREO_PROTO_PLATFORM operations (the one Platform_control). All need WRITE. */
enum {
	VIREO_PLATFORM_POWEROFF = 1,    /* does not return */
	VIREO_PLATFORM_REBOOT = 2,      /* returns VIREO_E_BUSY if the firmware refuses */
	VIREO_PLATFORM_CPU_OFFLINE = 3, /* MR1 CPU; not CPU 0; it stops once it has left its thread */
	VIREO_PLATFORM_CPU_ONLINE = 4,  /* MR1 CPU; returns once its hart runs */
};

/*
 * VIREO_PROTO_ICU operations (the one Icu: the platform's interrupt
 * controller, the PLIC on riscv64). A device interrupt source bound to an
 * Irq triggers it; the source stays in service, and cannot interrupt again,
 * until the handler acknowledges the Irq (VIREO_IRQ_UNMASK). That serves
 * level- and edge-triggered devices alike.
 */
enum {
	/* MR1 source (1..sources), MR2 Irq selector (WRITE on it). Needs WRITE. */
	VIREO_ICU_BIND = 1,
	/* MR1 source. Needs WRITE. */
	VIREO_ICU_UNBIND = 2,
	/* -> MR0 number of sources. Needs READ. */
	VIREO_ICU_INFO = 3,
};

/*
 * VIREO_PROTO_DEBUGGER operations (the one Debugger). The kernel debugger
 * runs on the serial console; Ctrl-] typed there enters it too.
 */
enum {
	/* MR1 selector of any object, MR2.. its name (up to 15 bytes, packed). Needs WRITE. */
	VIREO_DEBUGGER_NAME = 1,
	/* Stop the system in the kernel debugger until its 'g' command. Needs WRITE. */
	VIREO_DEBUGGER_ENTER = 2,
};

/* VIREO_PROTO_VCON operations. */
enum {
	VIREO_VCON_WRITE = 1, /* MR1 length (<= 8 * (64 - 2)), bytes from MR2 on; needs SEND */
	VIREO_VCON_READ = 2,  /* MR1 max length -> MR0 length, bytes from MR1 on */
	/* MR1 Irq selector (or VIREO_CAP_INVALID: none): triggered when input arrives. */
	VIREO_VCON_BIND_INPUT = 3,
};

/*
 * Page fault message to a pager (label VIREO_PROTO_PAGE_FAULT): MR0 fault
 * address with its low two bits replaced by the access (VIREO_PF_*), MR1
 * pc. The pager replies with map items; each lands at the fault address
 * rounded down to the item's size. The thread then retries the access.
 */
#define VIREO_PF_WRITE 0x1u
#define VIREO_PF_EXEC 0x2u

/*
 * Exception message to an exception handler (label VIREO_PROTO_EXCEPTION):
 * MR0 cause, MR1 the faulting value (address or instruction), MR2 pc, then
 * the registers x1..x31 in MR3..MR33. A reply of VIREO_EXC_WORDS words sets
 * pc and x1..x31 from the same places; a reply without words resumes the
 * thread unchanged. Replying with VIREO_E_... is not possible: a handler
 * that wants the thread gone deletes it.
 */
#define VIREO_EXC_WORDS 34

#endif
