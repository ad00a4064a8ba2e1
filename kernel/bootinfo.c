/*
 * Boot information from the device tree: RAM, reservations, harts, timer,
 * console UART, PLIC, initrd and command line. Property meanings follow the
 * Devicetree Specification v0.4 chapter 3 (memory, /reserved-memory, /chosen,
 * /cpus) and the Linux RISC-V cpu and PLIC bindings for the riscv,* names.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/bootinfo.h>
#include <kernel/compiler.h>
#include <kernel/fdt.h>
#include <kernel/parse.h>
#include <kernel/string.h>
#include <kernel/types.h>

/* A bounded array of ranges inside struct boot_info. */
struct range_list {
	struct pa_range *ranges;
	size_t *count;
	size_t max;
	const char *full_msg;
};

static bool range_add(const struct range_list *l, struct pa_range r, size_t off,
		      struct parse_error *err)
{
	if (*l->count == l->max) {
		parse_fail(err, l->full_msg, off);
		return false;
	}
	l->ranges[(*l->count)++] = r;
	return true;
}

/* Is prop name of node a well-formed string equal to value? */
static bool prop_is(const struct fdt *fdt, struct fdt_node node, const char *name,
		    const char *value)
{
	struct fdt_prop prop;
	const char *s;

	return fdt_get_prop(fdt, node, name, &prop) && fdt_prop_string(&prop, &s, NULL) &&
	       strcmp(s, value) == 0;
}

/*
 * reg holds bus addresses; we only read devices whose buses map 1:1 onto
 * the CPU's address space: every ancestor below the root has an empty
 * "ranges" (§2.3.8). Anything else would need translation we do not do.
 */
static bool check_identity_ranges(const struct fdt *fdt, struct fdt_node node,
				  struct parse_error *err)
{
	struct fdt_node parent;
	struct fdt_prop ranges;

	while (fdt_parent(fdt, node, &parent) && parent.off != fdt_root(fdt).off) {
		if (!fdt_get_prop(fdt, parent, "ranges", &ranges)) {
			parse_fail(err, "parent bus has no ranges", parent.off);
			return false;
		}
		if (ranges.len != 0) {
			parse_fail(err, "non-identity ranges not supported", ranges.off);
			return false;
		}
		node = parent;
	}
	return true;
}

/* Begin iterating a device's reg, as CPU physical addresses. */
static bool device_reg_begin(const struct fdt *fdt, struct fdt_node node,
			     struct fdt_reg_iter *it, struct parse_error *err)
{
	return check_identity_ranges(fdt, node, err) && fdt_reg_begin(fdt, node, it, err);
}

/* The first reg entry of a device, as a CPU physical range. */
static bool device_reg_first(const struct fdt *fdt, struct fdt_node node,
			     struct pa_range *r, struct parse_error *err)
{
	return check_identity_ranges(fdt, node, err) && fdt_reg_first(fdt, node, r, err);
}

/* §3.4: memory nodes have device_type "memory". */
static bool memory_node_add(struct boot_info *bi, const struct fdt *fdt, struct fdt_node node,
			    struct parse_error *err)
{
	const struct range_list l = { bi->memory, &bi->nmemory, BOOTINFO_MAX_MEMORY,
				      "too many memory ranges" };
	struct fdt_reg_iter it;
	struct pa_range r;

	if (!device_reg_begin(fdt, node, &it, err))
		return false;
	while (fdt_reg_next(&it, &r)) {
		if (r.size == 0) {
			parse_fail(err, "memory range has zero size", node.off);
			return false;
		}
		if (!range_add(&l, r, node.off, err))
			return false;
	}
	return true;
}

/* Sort by base (insertion sort: at most BOOTINFO_MAX_MEMORY entries). */
static void ranges_sort(struct pa_range *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct pa_range key = r[i];
		size_t j = i;

		for (; j > 0 && pa_lt(key.base, r[j - 1].base); j--)
			r[j] = r[j - 1];
		r[j] = key;
	}
}

static bool parse_memory(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	struct fdt_node node = fdt_root(fdt);

	while (fdt_next_node(fdt, node, &node)) {
		if (!prop_is(fdt, node, "device_type", "memory") || !fdt_node_is_enabled(fdt, node))
			continue;
		if (!memory_node_add(bi, fdt, node, err))
			return false;
	}
	if (bi->nmemory == 0) {
		parse_fail(err, "no memory node", fdt_root(fdt).off);
		return false;
	}
	ranges_sort(bi->memory, bi->nmemory);
	/* reg_begin ruled out wrap-around, so end() is exact. */
	for (size_t i = 1; i < bi->nmemory; i++) {
		if (pa_lt(bi->memory[i].base, pa_range_end(bi->memory[i - 1]))) {
			parse_fail(err, "overlapping memory ranges", fdt_root(fdt).off);
			return false;
		}
	}
	return true;
}

/* §5.3 memory reservation block; {addr, 0} entries reserve nothing. */
static bool parse_memreserve(const struct range_list *l, const struct fdt *fdt,
			     struct parse_error *err)
{
	struct fdt_rsv_iter it;
	uint64_t addr, size;
	size_t off;

	fdt_rsv_begin(fdt, &it);
	while (fdt_rsv_next(fdt, &it, &addr, &size, &off)) {
		if (size > UINT64_MAX - addr) {
			parse_fail(err, "memory reservation wraps around", off);
			return false;
		}
		if (size != 0 && !range_add(l, (struct pa_range){ pa(addr), size }, off, err))
			return false;
	}
	return true;
}

/* §3.5.2: each child with a reg reserves it; others are dynamic pools. */
static bool reserved_child_add(const struct range_list *l, const struct fdt *fdt,
			       struct fdt_node child, struct parse_error *err)
{
	struct fdt_reg_iter it;
	struct fdt_prop reg;
	struct pa_range r;

	if (!fdt_get_prop(fdt, child, "reg", &reg) || !fdt_node_is_enabled(fdt, child))
		return true;
	if (!device_reg_begin(fdt, child, &it, err))
		return false;
	while (fdt_reg_next(&it, &r)) {
		if (r.size != 0 && !range_add(l, r, child.off, err))
			return false;
	}
	return true;
}

static bool parse_reserved(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	const struct range_list l = { bi->reserved, &bi->nreserved, BOOTINFO_MAX_RESERVED,
				      "too many reserved ranges" };
	struct fdt_node rsv, child;
	bool more;

	if (!parse_memreserve(&l, fdt, err))
		return false;
	if (!fdt_find_path(fdt, "/reserved-memory", &rsv))
		return true;
	for (more = fdt_first_child(fdt, rsv, &child); more;
	     more = fdt_next_sibling(fdt, child, &child)) {
		if (!reserved_child_add(&l, fdt, child, err))
			return false;
	}
	return true;
}

/* Extensions we care about on one hart. */
struct isa_flags {
	bool h;
	bool sstc;
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Case-insensitive: is s[0..n) the extension name ext (lower case)? */
static bool ext_is(const char *s, size_t n, const char *ext)
{
	if (strlen(ext) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (lower(s[i]) != ext[i])
			return false;
	}
	return true;
}

static void isa_note(struct isa_flags *f, const char *s, size_t n)
{
	if (ext_is(s, n, "h"))
		f->h = true;
	if (ext_is(s, n, "sstc"))
		f->sstc = true;
}

/* Skip an extension version such as "2p1" (ISA manual, "ISA naming"). */
static const char *skip_version(const char *p)
{
	while (is_digit(*p) || (*p == 'p' && is_digit(p[1])))
		p++;
	return p;
}

/*
 * riscv,isa: "rv64" then single-letter extensions, then multi-letter ones
 * (starting with s, z or x) separated by "_", e.g. "rv64imafdch_zicsr_sstc".
 */
static bool isa_parse(const char *isa, size_t off, struct isa_flags *f, struct parse_error *err)
{
	const char *p = isa + 4;

	if (!ext_is(isa, strnlen(isa, 4), "rv64")) {
		parse_fail(err, "riscv,isa is not rv64", off);
		return false;
	}
	while (*p != '\0' && *p != '_') {
		char c = lower(*p);

		if (c == 's' || c == 'z' || c == 'x')
			break;
		if (c < 'a' || c > 'z') {
			parse_fail(err, "malformed riscv,isa", off);
			return false;
		}
		isa_note(f, &c, 1);
		p = skip_version(p + 1);
	}
	while (*p != '\0') {
		const char *q = p;

		while (*q != '\0' && *q != '_')
			q++;
		isa_note(f, p, (size_t)(q - p));
		p = *q == '_' ? q + 1 : q;
	}
	return true;
}

/* The newer riscv,isa-extensions list wins over the riscv,isa string. */
static bool hart_isa(const struct fdt *fdt, struct fdt_node cpu, struct isa_flags *f,
		     struct parse_error *err)
{
	struct fdt_prop prop;
	const char *s;
	size_t pos = 0;

	*f = (struct isa_flags){ false, false };
	if (fdt_get_prop(fdt, cpu, "riscv,isa-extensions", &prop)) {
		while (fdt_stringlist_next(&prop, &pos, &s))
			isa_note(f, s, strlen(s));
		return true;
	}
	if (!fdt_get_prop(fdt, cpu, "riscv,isa", &prop))
		return true; /* nothing known: neither H nor Sstc */
	return fdt_prop_string(&prop, &s, err) && isa_parse(s, prop.off, f, err);
}

static bool hart_mmu(const struct fdt *fdt, struct fdt_node cpu, enum bootinfo_mmu *mmu,
		     struct parse_error *err)
{
	static const char *const names[] = {
		[BOOTINFO_MMU_NONE] = "riscv,none",
		[BOOTINFO_MMU_SV39] = "riscv,sv39",
		[BOOTINFO_MMU_SV48] = "riscv,sv48",
		[BOOTINFO_MMU_SV57] = "riscv,sv57",
	};
	struct fdt_prop prop;
	const char *s;

	*mmu = BOOTINFO_MMU_NONE;
	if (!fdt_get_prop(fdt, cpu, "mmu-type", &prop))
		return true;
	if (!fdt_prop_string(&prop, &s, err))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*mmu = (enum bootinfo_mmu)i;
			return true;
		}
	}
	parse_fail(err, "unknown mmu-type", prop.off);
	return false;
}

static bool hart_id_add(struct boot_info *bi, const struct fdt *fdt, struct fdt_node cpu,
			struct parse_error *err)
{
	struct pa_range r;

	/* A RISC-V cpu node's reg is its hart id (/cpus has #size-cells 0). */
	if (!fdt_reg_first(fdt, cpu, &r, err))
		return false;
	for (size_t i = 0; i < bi->nharts; i++) {
		if (hartid_val(bi->harts[i]) == pa_val(r.base)) {
			parse_fail(err, "duplicate hart id", cpu.off);
			return false;
		}
	}
	if (bi->nharts == BOOTINFO_MAX_HARTS) {
		parse_fail(err, "too many harts", cpu.off);
		return false;
	}
	bi->harts[bi->nharts++] = hartid(pa_val(r.base));
	return true;
}

/* The phandle of the hart's local interrupt controller (its child node with "interrupt-controller"). */
static bool hart_intc(struct boot_info *bi, const struct fdt *fdt, struct fdt_node cpu,
		      struct parse_error *err)
{
	struct fdt_node child;
	struct fdt_prop prop;
	uint32_t *slot = &bi->hart_intc[bi->nharts - 1];

	*slot = 0;
	for (bool more = fdt_first_child(fdt, cpu, &child); more;
	     more = fdt_next_sibling(fdt, child, &child)) {
		if (!fdt_get_prop(fdt, child, "interrupt-controller", &prop))
			continue;
		if (fdt_get_prop(fdt, child, "phandle", &prop) && !fdt_prop_u32(&prop, slot, err))
			return false;
		break;
	}
	return true;
}

/* §3.7: one enabled cpu node; fold its features into the common ones. */
static bool hart_add(struct boot_info *bi, const struct fdt *fdt, struct fdt_node cpu,
		     struct parse_error *err)
{
	struct isa_flags isa;
	enum bootinfo_mmu mmu;

	if (!hart_id_add(bi, fdt, cpu, err) || !hart_isa(fdt, cpu, &isa, err) ||
	    !hart_mmu(fdt, cpu, &mmu, err) || !hart_intc(bi, fdt, cpu, err))
		return false;
	bi->all_harts_h = bi->all_harts_h && isa.h;
	bi->all_harts_sstc = bi->all_harts_sstc && isa.sstc;
	if (mmu < bi->mmu)
		bi->mmu = mmu;
	return true;
}

static bool parse_timebase(struct boot_info *bi, const struct fdt *fdt, struct fdt_node cpus,
			   struct parse_error *err)
{
	struct fdt_prop prop;

	if (!fdt_get_prop(fdt, cpus, "timebase-frequency", &prop)) {
		parse_fail(err, "missing timebase-frequency", cpus.off);
		return false;
	}
	if (!fdt_prop_uint(&prop, &bi->timebase_hz, err))
		return false;
	if (bi->timebase_hz == 0) {
		parse_fail(err, "timebase-frequency is zero", prop.off);
		return false;
	}
	return true;
}

static bool parse_cpus(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	struct fdt_node cpus, cpu;
	bool more;

	if (!fdt_find_path(fdt, "/cpus", &cpus)) {
		parse_fail(err, "no /cpus node", fdt_root(fdt).off);
		return false;
	}
	if (!parse_timebase(bi, fdt, cpus, err))
		return false;
	bi->all_harts_h = bi->all_harts_sstc = true;
	bi->mmu = BOOTINFO_MMU_SV57;
	for (more = fdt_first_child(fdt, cpus, &cpu); more;
	     more = fdt_next_sibling(fdt, cpu, &cpu)) {
		if (!prop_is(fdt, cpu, "device_type", "cpu") || !fdt_node_is_enabled(fdt, cpu))
			continue;
		if (!hart_add(bi, fdt, cpu, err))
			return false;
	}
	if (bi->nharts == 0) {
		parse_fail(err, "no enabled harts", cpus.off);
		return false;
	}
	return true;
}

/* Optional u32/u64 property of /chosen: *found says whether it was there. */
static bool chosen_uint(const struct fdt *fdt, struct fdt_node chosen, const char *name,
			uint64_t *val, bool *found, struct parse_error *err)
{
	struct fdt_prop prop;

	*found = fdt_get_prop(fdt, chosen, name, &prop);
	return !*found || fdt_prop_uint(&prop, val, err);
}

static bool initrd_in_memory(const struct boot_info *bi, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < bi->nmemory; i++) {
		uint64_t base = pa_val(bi->memory[i].base);

		if (start >= base && end <= base + bi->memory[i].size)
			return true;
	}
	return false;
}

/* linux,initrd-start/-end: [start, end) of the initrd image, end exclusive. */
static bool parse_initrd(struct boot_info *bi, const struct fdt *fdt, struct fdt_node chosen,
			 struct parse_error *err)
{
	uint64_t start = 0, end = 0;
	bool has_start, has_end;

	if (!chosen_uint(fdt, chosen, "linux,initrd-start", &start, &has_start, err) ||
	    !chosen_uint(fdt, chosen, "linux,initrd-end", &end, &has_end, err))
		return false;
	if (has_start != has_end) {
		parse_fail(err, "initrd start without end or end without start", chosen.off);
		return false;
	}
	if (end < start) {
		parse_fail(err, "initrd end before start", chosen.off);
		return false;
	}
	if (end == start)
		return true;
	if (!initrd_in_memory(bi, start, end)) {
		parse_fail(err, "initrd not inside a memory range", chosen.off);
		return false;
	}
	bi->has_initrd = true;
	bi->initrd = (struct pa_range){ pa(start), end - start };
	return true;
}

/* §3.6 /chosen: bootargs and initrd; every property is optional. */
static bool parse_chosen(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	struct fdt_node chosen;
	struct fdt_prop prop;

	if (!fdt_find_path(fdt, "/chosen", &chosen))
		return true;
	if (fdt_get_prop(fdt, chosen, "bootargs", &prop) &&
	    !fdt_prop_string(&prop, &bi->bootargs, err))
		return false;
	return parse_initrd(bi, fdt, chosen, err);
}

static bool is_uart(const struct fdt *fdt, struct fdt_node node)
{
	return fdt_node_is_enabled(fdt, node) && (fdt_node_is_compatible(fdt, node, "ns16550a") ||
						  fdt_node_is_compatible(fdt, node, "ns16550"));
}

/* §3.6: stdout-path is a path or alias, optionally followed by ":options". */
static bool stdout_node(const struct fdt *fdt, struct fdt_node *node, struct parse_error *err)
{
	struct fdt_node chosen;
	struct fdt_prop prop;
	const char *path, *colon;
	size_t n;

	*node = fdt_root(fdt);
	if (!fdt_find_path(fdt, "/chosen", &chosen) ||
	    !fdt_get_prop(fdt, chosen, "stdout-path", &prop))
		return true;
	if (!fdt_prop_string(&prop, &path, err))
		return false;
	colon = strchr(path, ':');
	n = colon ? (size_t)(colon - path) : strlen(path);
	if (!fdt_find_path_n(fdt, path, n, node) || !is_uart(fdt, *node))
		*node = fdt_root(fdt);
	return true;
}

/* Optional u32 property with a default. */
static bool opt_u32(const struct fdt *fdt, struct fdt_node node, const char *name,
		    uint32_t dflt, uint32_t *val, struct parse_error *err)
{
	struct fdt_prop prop;

	*val = dflt;
	return !fdt_get_prop(fdt, node, name, &prop) || fdt_prop_u32(&prop, val, err);
}

/* Register layout of an ns16550 node (Linux 8250 binding). */
static bool uart_fill(struct bootinfo_uart *u, const struct fdt *fdt, struct fdt_node node,
		      struct parse_error *err)
{
	struct fdt_prop prop;
	uint32_t w;

	if (!device_reg_first(fdt, node, &u->reg, err) ||
	    !opt_u32(fdt, node, "reg-shift", 0, &u->reg_shift, err) ||
	    !opt_u32(fdt, node, "reg-io-width", 1, &u->reg_io_width, err) ||
	    !opt_u32(fdt, node, "interrupts", 0, &u->irq, err))
		return false;
	if (u->reg_shift > 3) {
		parse_fail(err, "uart reg-shift too large", node.off);
		return false;
	}
	w = u->reg_io_width;
	if (w != 1 && w != 2 && w != 4) {
		parse_fail(err, "uart reg-io-width not 1, 2 or 4", node.off);
		return false;
	}
	if (fdt_get_prop(fdt, node, "clock-frequency", &prop) &&
	    !fdt_prop_uint(&prop, &u->clock_hz, err))
		return false;
	u->present = true;
	return true;
}

static bool parse_uart(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	struct fdt_node node;

	if (!stdout_node(fdt, &node, err))
		return false;
	/* No usable stdout-path: fall back to the first ns16550 in the tree. */
	while (node.off == fdt_root(fdt).off || !is_uart(fdt, node)) {
		if (!fdt_next_node(fdt, node, &node))
			return true;
	}
	return uart_fill(&bi->uart, fdt, node, err);
}

/*
 * Which PLIC context is each hart's S mode: interrupts-extended lists, per
 * context, the hart's interrupt controller and the cause it raises there
 * (9: supervisor external interrupt, privileged spec §3.1.9).
 */
#define CAUSE_S_EXTERNAL 9u

static bool plic_contexts(struct boot_info *bi, const struct fdt *fdt, struct fdt_node plic,
			  struct parse_error *err)
{
	struct fdt_prop prop;

	for (size_t i = 0; i < BOOTINFO_MAX_HARTS; i++)
		bi->plic.s_context[i] = BOOTINFO_NO_CONTEXT;
	if (!fdt_get_prop(fdt, plic, "interrupts-extended", &prop))
		return true; /* no hart takes its interrupts */
	if (prop.len % 8) {
		parse_fail(err, "plic interrupts-extended is not (phandle, cause) pairs", prop.off);
		return false;
	}
	for (uint32_t ctx = 0; ctx < prop.len / 8; ctx++) {
		uint32_t phandle = fdt_load_be32(prop.data + 8 * ctx);
		uint32_t cause = fdt_load_be32(prop.data + 8 * ctx + 4);

		if (cause != CAUSE_S_EXTERNAL || phandle == 0)
			continue;
		for (size_t h = 0; h < bi->nharts; h++)
			if (bi->hart_intc[h] == phandle)
				bi->plic.s_context[h] = ctx;
	}
	return true;
}

static bool parse_plic(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	struct fdt_node node = fdt_root(fdt);
	struct fdt_prop prop;

	for (;;) {
		if (!fdt_next_node(fdt, node, &node))
			return true;
		if (fdt_node_is_enabled(fdt, node) &&
		    (fdt_node_is_compatible(fdt, node, "riscv,plic0") ||
		     fdt_node_is_compatible(fdt, node, "sifive,plic-1.0.0")))
			break;
	}
	if (!device_reg_first(fdt, node, &bi->plic.reg, err))
		return false;
	if (!fdt_get_prop(fdt, node, "riscv,ndev", &prop)) {
		parse_fail(err, "plic has no riscv,ndev", node.off);
		return false;
	}
	if (!fdt_prop_u32(&prop, &bi->plic.ndev, err))
		return false;
	if (bi->plic.ndev > BOOTINFO_MAX_PLIC_NDEV) {
		parse_fail(err, "plic riscv,ndev out of range", prop.off);
		return false;
	}
	if (!plic_contexts(bi, fdt, node, err))
		return false;
	bi->plic.present = true;
	return true;
}

bool bootinfo_from_fdt(struct boot_info *bi, const struct fdt *fdt, struct parse_error *err)
{
	memset(bi, 0, sizeof(*bi));
	bi->bootargs = "";
	/* Memory first: the initrd check needs it. */
	return parse_memory(bi, fdt, err) && parse_reserved(bi, fdt, err) &&
	       parse_cpus(bi, fdt, err) && parse_chosen(bi, fdt, err) &&
	       parse_uart(bi, fdt, err) && parse_plic(bi, fdt, err);
}
