/*
 * Host unit tests for user/root/bootcfg.c, the boot.cfg parser.
 *
 * Every input is copied into a heap block of exactly its length (no NUL after
 * it) before parsing, so AddressSanitizer catches any read past the end.
 * Error tests check the exact line and message, and that the mistake is the
 * only error reported (no cascades).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootcfg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The example from bootcfg.h and the design brief, verbatim. */
static const char example[] =
	"# Comments start with '#' anywhere outside quotes; blank lines are ignored.\n"
	"start hello                  # a program: the module \"hello\" from the boot archive\n"
	"    args \"-v\" \"two words\"    # argv[1..]; argv[0] is the program name; double-quoted, \\\" and \\\\ escapes\n"
	"    quota 64K                # kernel-memory quota for its objects (K/M/G suffixes, bytes otherwise)\n"
	"    memory 4M                # user memory the root task will hand it at most\n"
	"    priority 10              # 0..255, default 10\n"
	"    cpus 0-1,3               # CPU set, default 0; ranges and lists, CPU numbers < 64\n"
	"    cap log vcon             # capability named \"log\" in the child, from the root's \"vcon\"\n"
	"    cap fs gate:files rights=s   # from the service \"files\" that another program serves\n"
	"    serve files              # this program serves \"files\": the root creates an IPC gate bound to its main thread\n"
	"    restart never            # never | on-failure | always; default never\n"
	"start hello as hello2        # the same module again under another instance name\n";

/* Large; shared by the tests, which run one after the other. */
static struct bootcfg cfg;

static bool parse_len(const char *text, size_t len, struct bootcfg_errors *errs)
{
	char *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	memcpy(copy, text, len);
	ok = bootcfg_parse(copy, len, &cfg, errs);
	free(copy);
	return ok;
}

static bool parse(const char *text, struct bootcfg_errors *errs)
{
	return parse_len(text, strlen(text), errs);
}

static void expect_ok_len(const char *text, size_t len)
{
	struct bootcfg_errors errs;

	if (!parse_len(text, len, &errs))
		fail_msg("unexpected error: boot.cfg:%u: %s\n--- input ---\n%.*s", errs.error[0].line,
			 errs.error[0].message, (int)len, text);
	assert_int_equal(errs.count, 0);
}

static void expect_ok(const char *text)
{
	expect_ok_len(text, strlen(text));
}

static void expect_error_len(const char *text, size_t len, unsigned line, const char *message)
{
	struct bootcfg_errors errs;

	if (parse_len(text, len, &errs))
		fail_msg("accepted, expected boot.cfg:%u: %s", line, message);
	assert_int_equal(cfg.nprograms, 0);
	if (errs.count != 1 || errs.error[0].line != line || strcmp(errs.error[0].message, message))
		fail_msg("expected boot.cfg:%u: %s\n     got boot.cfg:%u: %s (%u errors)", line,
			 message, errs.error[0].line, errs.error[0].message, errs.count);
}

static void expect_error(const char *text, unsigned line, const char *message)
{
	expect_error_len(text, strlen(text), line, message);
}

/* Parse "start p\n" + "  " attr "\n": one program with one attribute line. */
static void expect_attr_ok(const char *attr)
{
	char text[512];

	snprintf(text, sizeof(text), "start p\n  %s\n", attr);
	expect_ok(text);
	assert_int_equal(cfg.nprograms, 1);
}

static void expect_attr_error(const char *attr, const char *message)
{
	char text[512];

	snprintf(text, sizeof(text), "start p\n  %s\n", attr);
	expect_error(text, 2, message);
}

static void check_example(void)
{
	const struct bootcfg_program *p = &cfg.prog[0], *q = &cfg.prog[1];

	assert_int_equal(cfg.nprograms, 2);
	assert_string_equal(p->instance, "hello");
	assert_string_equal(p->module, "hello");
	assert_int_equal(p->line, 2);
	assert_int_equal(p->nargs, 2);
	assert_string_equal(bootcfg_arg(&cfg, p, 0), "-v");
	assert_int_equal(p->arg[0].len, 2);
	assert_string_equal(bootcfg_arg(&cfg, p, 1), "two words");
	assert_int_equal(p->arg[1].len, 9);
	assert_int_equal(p->quota, 64 * 1024);
	assert_int_equal(p->memory, 4 * 1024 * 1024);
	assert_int_equal(p->priority, 10);
	assert_int_equal(p->cpus, 0xb);
	assert_int_equal(p->restart, BOOTCFG_RESTART_NEVER);
	assert_int_equal(p->ncaps, 2);
	assert_string_equal(p->cap[0].name, "log");
	assert_int_equal(p->cap[0].source, BOOTCFG_SRC_VCON);
	assert_string_equal(p->cap[0].service, "");
	assert_true(p->cap[0].rights_default);
	assert_int_equal(p->cap[0].rights, 0);
	assert_int_equal(p->cap[0].line, 8);
	assert_string_equal(p->cap[1].name, "fs");
	assert_int_equal(p->cap[1].source, BOOTCFG_SRC_GATE);
	assert_string_equal(p->cap[1].service, "files");
	assert_int_equal(p->cap[1].server, 0);
	assert_false(p->cap[1].rights_default);
	assert_int_equal(p->cap[1].rights, BOOTCFG_RIGHT_SEND);
	assert_int_equal(p->cap[1].line, 9);
	assert_int_equal(p->nserves, 1);
	assert_string_equal(p->serve[0].name, "files");
	assert_int_equal(p->serve[0].line, 10);

	assert_string_equal(q->instance, "hello2");
	assert_string_equal(q->module, "hello");
	assert_int_equal(q->line, 12);
	assert_int_equal(q->nargs, 0);
	assert_int_equal(q->ncaps, 0);
	assert_int_equal(q->nserves, 0);
}

/* ---- valid files ---- */

static void test_example(void **state)
{
	(void)state;
	expect_ok(example);
	check_example();
	assert_int_equal(cfg.pool_used, 3 + 10);
}

static void test_defaults(void **state)
{
	const struct bootcfg_program *p = &cfg.prog[0];

	(void)state;
	expect_ok("start a\n");
	assert_int_equal(cfg.nprograms, 1);
	assert_string_equal(p->instance, "a");
	assert_string_equal(p->module, "a");
	assert_int_equal(p->nargs, 0);
	assert_int_equal(p->quota, BOOTCFG_DEFAULT_QUOTA);
	assert_int_equal(p->memory, BOOTCFG_DEFAULT_MEMORY);
	assert_int_equal(p->priority, 10);
	assert_int_equal(p->cpus, 1);
	assert_int_equal(p->restart, BOOTCFG_RESTART_NEVER);
	assert_int_equal(p->ncaps, 0);
	assert_int_equal(p->nserves, 0);
	assert_int_equal(BOOTCFG_DEFAULT_QUOTA % BOOTCFG_PAGE_SIZE, 0);
	assert_int_equal(BOOTCFG_DEFAULT_MEMORY % BOOTCFG_PAGE_SIZE, 0);
}

static void test_empty_files(void **state)
{
	static const char *files[] = { "", "\n", "\n\n\n", "# only a comment", "# c\n",
				       "   \t \n\t\n", "\r\n", "   # indented comment\n",
				       "#\xff\xfe high bytes in a comment\n" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		expect_ok(files[i]);
		assert_int_equal(cfg.nprograms, 0);
	}
	/* A NULL text of length 0, and a NULL errs. */
	assert_true(bootcfg_parse(NULL, 0, &cfg, NULL));
	assert_int_equal(cfg.nprograms, 0);
}

static void test_crlf(void **state)
{
	char text[sizeof(example) * 2];
	size_t n = 0;

	(void)state;
	for (const char *p = example; *p; p++) {
		if (*p == '\n')
			text[n++] = '\r';
		text[n++] = *p;
	}
	expect_ok_len(text, n);
	check_example();
	/* Mixed endings, and a final CR without LF. */
	expect_ok("start a\r\n  priority 3\n  cpus 1\r\n  restart always\r");
	assert_int_equal(cfg.prog[0].priority, 3);
	assert_int_equal(cfg.prog[0].cpus, 2);
	assert_int_equal(cfg.prog[0].restart, BOOTCFG_RESTART_ALWAYS);
}

static void test_tabs(void **state)
{
	(void)state;
	expect_ok("start\thello\tas\tx\n"
		  "\tquota\t8K\n"
		  " \t cap\tlog \t vcon\trights=rw\t\n"
		  "\t\targs\t\"a\tb\"\t\"c\"\n");
	assert_string_equal(cfg.prog[0].instance, "x");
	assert_string_equal(cfg.prog[0].module, "hello");
	assert_int_equal(cfg.prog[0].quota, 8192);
	assert_int_equal(cfg.prog[0].cap[0].rights, BOOTCFG_RIGHT_READ | BOOTCFG_RIGHT_WRITE);
	assert_string_equal(bootcfg_arg(&cfg, &cfg.prog[0], 0), "a\tb");
	assert_string_equal(bootcfg_arg(&cfg, &cfg.prog[0], 1), "c");
}

static void test_comments(void **state)
{
	const struct bootcfg_program *p = &cfg.prog[0];

	(void)state;
	expect_ok("start a# comment right after the name\n"
		  "  priority 5# no blank needed\n"
		  "  cpus 0-1,3#x\n"
		  "  args \"a # not a comment\" \"#\" \"\\\"#\\\\\"# but this is\n"
		  "# a comment at column 0 does not end the block\n"
		  "  quota 8K #\n"
		  "  cap c gate:s#\n"
		  "  serve s # \"unterminated quote in a comment\n");
	assert_int_equal(cfg.nprograms, 1);
	assert_int_equal(p->priority, 5);
	assert_int_equal(p->cpus, 0xb);
	assert_int_equal(p->nargs, 3);
	assert_string_equal(bootcfg_arg(&cfg, p, 0), "a # not a comment");
	assert_string_equal(bootcfg_arg(&cfg, p, 1), "#");
	assert_string_equal(bootcfg_arg(&cfg, p, 2), "\"#\\");
	assert_int_equal(p->arg[2].len, 3);
	assert_int_equal(p->quota, 8192);
	assert_string_equal(p->cap[0].service, "s");
	assert_string_equal(p->serve[0].name, "s");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	expect_ok("start a\n  priority 3");
	assert_int_equal(cfg.prog[0].priority, 3);
	expect_ok("start a");
	assert_int_equal(cfg.nprograms, 1);
	expect_ok("start a\n  args \"x\"");
	assert_string_equal(bootcfg_arg(&cfg, &cfg.prog[0], 0), "x");
}

static void test_args(void **state)
{
	const struct bootcfg_program *p = &cfg.prog[0];

	(void)state;
	expect_attr_ok("args \"\" \"\\\\\" \"\\\"\" \"caf\xc3\xa9\"");
	assert_int_equal(p->nargs, 4);
	assert_string_equal(bootcfg_arg(&cfg, p, 0), "");
	assert_int_equal(p->arg[0].len, 0);
	assert_string_equal(bootcfg_arg(&cfg, p, 1), "\\");
	assert_string_equal(bootcfg_arg(&cfg, p, 2), "\"");
	assert_string_equal(bootcfg_arg(&cfg, p, 3), "caf\xc3\xa9");
	assert_int_equal(cfg.pool_used, 1 + 2 + 2 + 6);
}

static void test_sizes(void **state)
{
	static const struct {
		const char *text;
		uint64_t value;
	} ok[] = {
		{ "4096", 4096 },
		{ "0x1000", 4096 },
		{ "0x1000K", 4096 * 1024 },
		{ "4K", 4096 },
		{ "0004K", 4096 },
		{ "1M", 1 << 20 },
		{ "1G", 1ull << 30 },
		{ "0xAbC000", 0xabc000 },
		{ "17179869183G", 17179869183ull << 30 },
		{ "18446744073709547520", UINT64_MAX - 4095 },
		{ "0xfffffffffffff000", UINT64_MAX - 4095 },
		{ "16777215M", 16777215ull << 20 },
	};
	char line[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		snprintf(line, sizeof(line), "quota %s", ok[i].text);
		expect_attr_ok(line);
		assert_int_equal(cfg.prog[0].quota, ok[i].value);
		snprintf(line, sizeof(line), "memory %s", ok[i].text);
		expect_attr_ok(line);
		assert_int_equal(cfg.prog[0].memory, ok[i].value);
	}
	expect_attr_error("quota 0XFFF000", "bad size '0XFFF000' (e.g. 4096, 0x1000, 64K, 4M, 1G)");
}

static void test_priority(void **state)
{
	(void)state;
	expect_attr_ok("priority 0");
	assert_int_equal(cfg.prog[0].priority, 0);
	expect_attr_ok("priority 255");
	assert_int_equal(cfg.prog[0].priority, 255);
	expect_attr_ok("priority 0xff");
	assert_int_equal(cfg.prog[0].priority, 255);
	expect_attr_ok("priority 007");
	assert_int_equal(cfg.prog[0].priority, 7);
}

static void test_cpus(void **state)
{
	static const struct {
		const char *list;
		uint64_t mask;
	} ok[] = {
		{ "0", 1 },
		{ "63", 1ull << 63 },
		{ "0-63", UINT64_MAX },
		{ "0-1,3", 0xb },
		{ "5,1", 0x22 },
		{ "2-2", 4 },
		{ "0x3-0x4", 0x18 },
		{ "0-3,8-11,62-63", 0xc000000000000f0full },
	};
	char line[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		snprintf(line, sizeof(line), "cpus %s", ok[i].list);
		expect_attr_ok(line);
		assert_int_equal(cfg.prog[0].cpus, ok[i].mask);
	}
}

static void test_caps(void **state)
{
	static const struct {
		const char *source;
		enum bootcfg_source kind;
	} sources[] = {
		{ "vcon", BOOTCFG_SRC_VCON },           { "icu", BOOTCFG_SRC_ICU },
		{ "scheduler", BOOTCFG_SRC_SCHEDULER }, { "platform", BOOTCFG_SRC_PLATFORM },
		{ "debugger", BOOTCFG_SRC_DEBUGGER },   { "factory", BOOTCFG_SRC_FACTORY },
		{ "archive", BOOTCFG_SRC_ARCHIVE },
	};
	const struct bootcfg_program *p = &cfg.prog[0];
	char text[1024];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "start p\n");
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  cap c%zu %s\n", i,
				      sources[i].source);
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "  cap all vcon rights=dswr\n  cap none.-_X vcon rights=r\n");
	expect_ok(text);
	assert_int_equal(p->ncaps, ARRAY_SIZE(sources) + 2);
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		assert_int_equal(p->cap[i].source, sources[i].kind);
		assert_true(p->cap[i].rights_default);
		assert_int_equal(p->cap[i].line, i + 2);
		assert_string_equal(bootcfg_source_name(sources[i].kind), sources[i].source);
	}
	assert_int_equal(p->cap[7].rights, 0xf);
	assert_false(p->cap[7].rights_default);
	assert_string_equal(p->cap[8].name, "none.-_X");
	assert_int_equal(p->cap[8].rights, BOOTCFG_RIGHT_READ);
	assert_string_equal(bootcfg_source_name(BOOTCFG_SRC_GATE), "gate");
	assert_string_equal(bootcfg_source_name((enum bootcfg_source)99), "?");
}

/* Gates may point forward and backward; each is bound to its server. */
static void test_services(void **state)
{
	(void)state;
	expect_ok("start client\n"
		  "  cap f gate:files\n"
		  "  cap n gate:net rights=s\n"
		  "start fs\n"
		  "  serve files\n"
		  "  serve blocks\n"
		  "start netd\n"
		  "  serve net\n"
		  "  cap b gate:blocks\n"
		  "  cap self gate:net\n");
	assert_int_equal(cfg.prog[0].cap[0].server, 1);
	assert_int_equal(cfg.prog[0].cap[1].server, 2);
	assert_int_equal(cfg.prog[2].cap[0].server, 1);
	assert_int_equal(cfg.prog[2].cap[1].server, 2);
	/* The same name for a cap, a service and a program is fine. */
	expect_ok("start files\n  serve files\n  cap files gate:files\n");
}

static void test_names(void **state)
{
	(void)state;
	expect_ok("start abcdefghijklmnopqrstuvwxyz01234 as ABCDEFGHIJKLMNOPQRSTUVWXYZ._-09\n");
	assert_string_equal(cfg.prog[0].module, "abcdefghijklmnopqrstuvwxyz01234");
	assert_string_equal(cfg.prog[0].instance, "ABCDEFGHIJKLMNOPQRSTUVWXYZ._-09");
	expect_error("start abcdefghijklmnopqrstuvwxyz012345\n", 1,
		     "module name 'abcdefghijklmnopqrstuvwxyz012345' is longer than 31 characters");
	expect_ok("start as\n");
	assert_string_equal(cfg.prog[0].instance, "as");
	expect_ok("start a as as\n");
	assert_string_equal(cfg.prog[0].instance, "as");
	/* Instance names are unique, module names need not be. */
	expect_ok("start a\nstart a as b\nstart b as c\n");
	assert_int_equal(cfg.nprograms, 3);
}

/* ---- errors ---- */

static void test_line_errors(void **state)
{
	char line[300];

	(void)state;
	/* 255 bytes is fine, also with CRLF; 256 is not. */
	memset(line, 'x', sizeof(line));
	line[0] = '#';
	memcpy(line + 255, "\r\n", 2);
	expect_ok_len(line, 257);
	expect_ok_len(line, 255);
	line[255] = 'x';
	expect_error_len(line, 256, 1, "line too long (max 255 bytes)");
	line[256] = 'x';
	expect_error_len(line, 300, 1, "line too long (max 255 bytes)");
	expect_error_len("start a\n\n\0\n", 11, 3, "NUL byte in line");
	expect_error_len("start a\0\n", 9, 1, "NUL byte in line");
	expect_error("start a\x01\n", 1, "control character 0x01 in line");
	expect_error("start a\n# bell \a\n", 2, "control character 0x07 in line");
	expect_error("start a\n  args \"\x1b[0m\"\n", 2, "control character 0x1b in line");
	expect_error("start a\x7f\n", 1, "control character 0x7f in line");
	expect_error("start a\rb\n", 1, "control character 0x0d in line");
	expect_error("start a\r\r\n", 1, "control character 0x0d in line");
	expect_error("start a\n\f\n", 2, "control character 0x0c in line");
	expect_error("start a\v\n", 1, "control character 0x0b in line");
}

static void test_lexical_errors(void **state)
{
	(void)state;
	expect_attr_error("args \"x", "unterminated string");
	expect_attr_error("args \"x\\", "unterminated string");
	expect_attr_error("args \"x\\\"", "unterminated string");
	expect_attr_error("args \"# x", "unterminated string");
	expect_attr_error("args \"a\\n\"", "bad escape '\\n' in string (only \\\" and \\\\)");
	expect_attr_error("args \"a\\t\"", "bad escape '\\t' in string (only \\\" and \\\\)");
	expect_attr_error("args \"a\\'\"", "bad escape '\\'' in string (only \\\" and \\\\)");
	expect_attr_error("args \"a\"b", "missing blank after closing quote");
	expect_attr_error("args \"a\"\"b\"", "missing blank after closing quote");
	expect_attr_error("args ab\"c\"", "stray '\"' in 'ab\"c\"'");
	expect_attr_error("quota 4K\"", "stray '\"' in '4K\"'");
	expect_error("\"start\" a\n", 1, "expected a keyword, got a string");
	expect_attr_error("\"quota\" 4K", "expected a keyword, got a string");
}

static void test_structure_errors(void **state)
{
	(void)state;
	expect_error("  quota 4K\n", 1, "'quota' before any 'start'");
	expect_error("# c\n\n\tcap log vcon\nstart a\n", 3, "'cap' before any 'start'");
	expect_error("quota 4K\n", 1, "'quota' must be indented under a 'start' line");
	expect_error("start a\nserve x\n", 2, "'serve' must be indented under a 'start' line");
	expect_error("start a\n  start b\n", 2, "'start' must not be indented");
	expect_error("stat a\n", 1, "unknown keyword 'stat'");
	expect_error("Start a\n", 1, "unknown keyword 'Start'");
	expect_error("start a\n  qouta 4K\n", 2, "unknown keyword 'qouta'");
	expect_error("start a\n  \xff\n", 2, "unknown keyword '\\xff'");
	expect_error("start a\n  QUOTA 4K\n", 2, "unknown keyword 'QUOTA'");
	expect_error("start a\n  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 2,
		     "unknown keyword 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
	expect_error("start\n", 1, "missing module name");
	expect_error("start # comment\n", 1, "missing module name");
	expect_error("start \"a\"\n", 1, "module name must not be quoted");
	expect_error("start a b\n", 1, "expected 'as' after the module name, got 'b'");
	expect_error("start a \"as\" b\n", 1, "expected 'as' after the module name, got '\"as\"'");
	expect_error("start a as\n", 1, "missing instance name");
	expect_error("start a as b c\n", 1, "unexpected 'c' at end of 'start' line");
	expect_error("start a/b\n", 1, "bad module name 'a/b' (use A-Z a-z 0-9 _ . -)");
	expect_error("start a as b:c\n", 1, "bad instance name 'b:c' (use A-Z a-z 0-9 _ . -)");
	expect_error("start caf\xc3\xa9\n", 1,
		     "bad module name 'caf\\xc3\\xa9' (use A-Z a-z 0-9 _ . -)");
	expect_error("start a\nstart a\n", 2, "duplicate instance name 'a' (first on line 1)");
	expect_error("start a\n\nstart b as a\n", 3, "duplicate instance name 'a' (first on line 1)");
}

static void test_duplicate_attributes(void **state)
{
	static const char *attrs[][2] = {
		{ "args \"a\"", "args" },   { "quota 4K", "quota" },
		{ "memory 4K", "memory" },  { "priority 1", "priority" },
		{ "cpus 0", "cpus" },       { "restart always", "restart" },
	};
	char text[256], message[96];
	struct bootcfg_errors errs;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(text, sizeof(text), "start a\n  %s\n  cap x vcon\n  %s\n", attrs[i][0],
			 attrs[i][0]);
		snprintf(message, sizeof(message), "duplicate '%s' (first on line 2)", attrs[i][1]);
		expect_error(text, 4, message);
		/* ...but the next block starts afresh. */
		snprintf(text, sizeof(text), "start a\n  %s\nstart b\n  %s\n", attrs[i][0],
			 attrs[i][0]);
		expect_ok(text);
	}
	/* A broken first occurrence still counts. */
	assert_false(parse("start a\n  quota 1\n  quota 4K\n", &errs));
	assert_int_equal(errs.count, 2);
	assert_string_equal(errs.error[0].message, "quota '1' is not a multiple of 4K (4096 bytes)");
	assert_int_equal(errs.error[1].line, 3);
	assert_string_equal(errs.error[1].message, "duplicate 'quota' (first on line 2)");
}

static void test_value_errors(void **state)
{
	static const char *const errors[][2] = {
		{ "args", "'args' needs at least one double-quoted argument" },
		{ "args # \"x\"", "'args' needs at least one double-quoted argument" },
		{ "args -v", "argument '-v' must be double-quoted" },
		{ "args \"a\" b", "argument 'b' must be double-quoted" },
		{ "quota", "missing size" },
		{ "quota \"4K\"", "size must not be quoted" },
		{ "quota 4K 8K", "unexpected '8K' at end of 'quota' line" },
		{ "quota 4K \"x\"", "unexpected '\"x\"' at end of 'quota' line" },
		{ "quota 4KB", "bad size '4KB' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 4k", "bad size '4k' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 4T", "bad size '4T' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota -4096", "bad size '-4096' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota +4096", "bad size '+4096' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 0x", "bad size '0x' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 0xK", "bad size '0xK' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota K", "bad size 'K' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 4_096", "bad size '4_096' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 4,096", "bad size '4,096' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 0x1g", "bad size '0x1g' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "memory 1e6", "bad size '1e6' (e.g. 4096, 0x1000, 64K, 4M, 1G)" },
		{ "quota 0", "quota must be greater than 0" },
		{ "quota 0K", "quota must be greater than 0" },
		{ "memory 0x0", "memory must be greater than 0" },
		{ "quota 1000", "quota '1000' is not a multiple of 4K (4096 bytes)" },
		{ "quota 2K", "quota '2K' is not a multiple of 4K (4096 bytes)" },
		{ "memory 4097", "memory '4097' is not a multiple of 4K (4096 bytes)" },
		{ "memory 18446744073709551615",
		  "memory '18446744073709551615' is not a multiple of 4K (4096 bytes)" },
		{ "priority", "missing priority" },
		{ "priority x", "bad priority 'x' (a number 0..255)" },
		{ "priority -1", "bad priority '-1' (a number 0..255)" },
		{ "priority 1K", "bad priority '1K' (a number 0..255)" },
		{ "priority 256", "priority '256' out of range 0..255" },
		{ "priority 0x100", "priority '0x100' out of range 0..255" },
		{ "priority 99999999999999999999", "priority '99999999999999999999' out of range 0..255" },
		{ "priority 10 20", "unexpected '20' at end of 'priority' line" },
		{ "cpus", "missing CPU list" },
		{ "cpus 64", "CPU number in '64' out of range 0..63" },
		{ "cpus 0-64", "CPU number in '0-64' out of range 0..63" },
		{ "cpus 99999999999999999999", "CPU number in '99999999999999999999' out of range 0..63" },
		{ "cpus 3-1", "bad CPU range in '3-1' (start > end)" },
		{ "cpus 0,0", "CPU 0 listed twice in '0,0'" },
		{ "cpus 0-3,2", "CPU 2 listed twice in '0-3,2'" },
		{ "cpus 5,0-7", "CPU 5 listed twice in '5,0-7'" },
		{ "cpus 0,", "bad CPU list '0,' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus ,0", "bad CPU list ',0' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus 0,,1", "bad CPU list '0,,1' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus 0-", "bad CPU list '0-' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus -1", "bad CPU list '-1' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus 0-1-2", "bad CPU list '0-1-2' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus a", "bad CPU list 'a' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus 0;1", "bad CPU list '0;1' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus 0, 1", "bad CPU list '0,' (e.g. 0, 0-3, 0-1,3)" },
		{ "cpus 0 1", "unexpected '1' at end of 'cpus' line" },
		{ "cap", "missing cap name" },
		{ "cap log", "missing cap source" },
		{ "cap \"log\" vcon", "cap name must not be quoted" },
		{ "cap log \"vcon\"", "cap source must not be quoted" },
		{ "cap l:g vcon", "bad cap name 'l:g' (use A-Z a-z 0-9 _ . -)" },
		{ "cap log vconn", "unknown cap source 'vconn'" },
		{ "cap log VCON", "unknown cap source 'VCON'" },
		{ "cap log gate", "unknown cap source 'gate'" },
		{ "cap log gate:", "missing service name after 'gate:'" },
		{ "cap log gate:a/b", "bad service name 'a/b' (use A-Z a-z 0-9 _ . -)" },
		{ "cap log gate:abcdefghijklmnopqrstuvwxyz0123456",
		  "service name 'abcdefghijklmnopqrstuvwxyz0123456' is longer than 31 characters" },
		{ "cap log vcon rw", "expected rights=... after the cap source, got 'rw'" },
		{ "cap log vcon rights=", "bad rights 'rights=' (letters r, w, s, d, each at most once)" },
		{ "cap log vcon rights=rx", "bad rights 'rights=rx' (letters r, w, s, d, each at most once)" },
		{ "cap log vcon rights=rr", "bad rights 'rights=rr' (letters r, w, s, d, each at most once)" },
		{ "cap log vcon rights=R", "bad rights 'rights=R' (letters r, w, s, d, each at most once)" },
		{ "cap log vcon rights=r x", "unexpected 'x' at end of 'cap' line" },
		{ "serve", "missing service name" },
		{ "serve a b", "unexpected 'b' at end of 'serve' line" },
		{ "serve a!", "bad service name 'a!' (use A-Z a-z 0-9 _ . -)" },
		{ "restart", "missing restart policy" },
		{ "restart sometimes", "unknown restart policy 'sometimes' (never, on-failure or always)" },
		{ "restart on_failure", "unknown restart policy 'on_failure' (never, on-failure or always)" },
		{ "restart never now", "unexpected 'now' at end of 'restart' line" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(errors); i++)
		expect_attr_error(errors[i][0], errors[i][1]);
}

/* The overflow cases named in the brief, among others. */
static void test_overflow(void **state)
{
	(void)state;
	expect_attr_error("quota 99999999999999999999", "quota '99999999999999999999' is too large");
	expect_attr_error("quota 17179869184G", "quota '17179869184G' is too large");
	expect_attr_error("quota 18446744073709551616", "quota '18446744073709551616' is too large");
	expect_attr_error("memory 0x10000000000000000", "memory '0x10000000000000000' is too large");
	expect_attr_error("memory 17592186044416M", "memory '17592186044416M' is too large");
	expect_attr_error("memory 18014398509481984K", "memory '18014398509481984K' is too large");
	expect_attr_error("quota 99999999999999999999999999999999999999999999999999",
			  "quota '9999999999999999999999999999999999999999...' is too large");
	expect_attr_ok("memory 18014398509481980K");
	assert_int_equal(cfg.prog[0].memory, 18014398509481980ull << 10);
}

static void test_cap_and_serve_duplicates(void **state)
{
	(void)state;
	expect_error("start a\n  cap log vcon\n  cap x icu\n  cap log icu\n", 4,
		     "duplicate cap name 'log' (first on line 2)");
	expect_error("start a\n  serve s\n  serve s\n", 3, "duplicate service 's' (first on line 2)");
	expect_error("start a\n  serve s\nstart b\n  serve t\n  serve s\n", 5,
		     "service 's' is already served by 'a' (line 2)");
	expect_error("start a\n  cap x gate:nope\n", 2, "no program serves 'nope'");
	expect_error("start a\n  serve files\nstart b\n  cap x gate:file\n", 4,
		     "no program serves 'file'");
}

/* A service served three times: each later serve line is reported once. */
static void test_served_thrice(void **state)
{
	struct bootcfg_errors errs;

	(void)state;
	assert_false(parse("start a\n  serve s\nstart b\n  serve s\nstart c\n  serve s\n"
			   "  cap g gate:s\n",
			   &errs));
	assert_int_equal(errs.count, 2);
	assert_int_equal(errs.error[0].line, 4);
	assert_string_equal(errs.error[0].message, "service 's' is already served by 'a' (line 2)");
	assert_int_equal(errs.error[1].line, 6);
	assert_string_equal(errs.error[1].message, "service 's' is already served by 'a' (line 2)");
}

/* ---- limits ---- */

static void test_max_programs(void **state)
{
	static char text[BOOTCFG_MAX_PROGRAMS * 16 + 64];
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < BOOTCFG_MAX_PROGRAMS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "start p%u\n", i);
	expect_ok(text);
	assert_int_equal(cfg.nprograms, BOOTCFG_MAX_PROGRAMS);
	assert_string_equal(cfg.prog[BOOTCFG_MAX_PROGRAMS - 1].instance, "p31");
	/* One more, with attributes that must not cascade into more errors. */
	snprintf(text + n, sizeof(text) - n, "start extra\n  quota 4K\n  quota 4K\n");
	expect_error(text, BOOTCFG_MAX_PROGRAMS + 1, "too many programs (max 32)");
}

static void test_max_caps(void **state)
{
	char text[1024];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "start a\n");
	for (unsigned i = 0; i < BOOTCFG_MAX_CAPS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  cap c%u vcon\n", i);
	expect_ok(text);
	assert_int_equal(cfg.prog[0].ncaps, BOOTCFG_MAX_CAPS);
	snprintf(text + n, sizeof(text) - n, "  cap more vcon\n");
	expect_error(text, BOOTCFG_MAX_CAPS + 2, "too many caps (max 16)");
}

static void test_max_args(void **state)
{
	char text[256];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "start a\n  args");
	for (unsigned i = 0; i < BOOTCFG_MAX_ARGS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " \"%u\"", i);
	expect_ok(text);
	assert_int_equal(cfg.prog[0].nargs, BOOTCFG_MAX_ARGS);
	assert_string_equal(bootcfg_arg(&cfg, &cfg.prog[0], 15), "15");
	snprintf(text + n, sizeof(text) - n, " \"x\"\n");
	expect_error(text, 2, "too many arguments (max 16)");
}

static void test_max_serves(void **state)
{
	char text[256];
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "start a\n");
	for (unsigned i = 0; i < BOOTCFG_MAX_SERVES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  serve s%u\n", i);
	expect_ok(text);
	assert_int_equal(cfg.prog[0].nserves, BOOTCFG_MAX_SERVES);
	snprintf(text + n, sizeof(text) - n, "  serve more\n");
	expect_error(text, BOOTCFG_MAX_SERVES + 2, "too many services (max 4)");
}

static void test_files(void **state)
{
	char text[512];
	size_t n = 0;

	(void)state;
	expect_ok("start vmm\n  file kernel linux-Image\n  file initrd initramfs.cpio\n");
	assert_int_equal(cfg.prog[0].nfiles, 2);
	assert_string_equal(cfg.prog[0].file[0].name, "kernel");
	assert_string_equal(cfg.prog[0].file[0].module, "linux-Image");
	assert_string_equal(cfg.prog[0].file[1].module, "initramfs.cpio");
	assert_int_equal(cfg.prog[0].file[1].line, 3);
	expect_error("start a\n  file k x\n  file k y\n", 3,
		     "duplicate file name 'k' (first on line 2)");
	expect_error("start a\n  file k\n", 2, "missing module name");
	expect_error("start a\n  file k x y\n", 2, "unexpected 'y' at end of 'file' line");
	expect_error("start a\n  file k \"x\"\n", 2, "module name must not be quoted");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "start a\n");
	for (unsigned i = 0; i < BOOTCFG_MAX_FILES; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  file f%u m\n", i);
	expect_ok(text);
	assert_int_equal(cfg.prog[0].nfiles, BOOTCFG_MAX_FILES);
	snprintf(text + n, sizeof(text) - n, "  file more m\n");
	expect_error(text, BOOTCFG_MAX_FILES + 2, "too many files (max 8)");
}

/*
 * Fill the pool to exactly BOOTCFG_POOL_SIZE bytes: 20 programs with one
 * 200-byte argument (201 with its NUL) use 4020, then one of 75 bytes takes
 * the last 76. One more byte (an empty argument) does not fit.
 */
static void test_pool_exhaustion(void **state)
{
	static char text[8192];
	char arg[256];
	size_t n = 0;

	(void)state;
	assert_int_equal(BOOTCFG_POOL_SIZE, 20 * 201 + 76);
	memset(arg, 'a', 200);
	arg[200] = '\0';
	for (unsigned i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "start p%u\n  args \"%s\"\n", i,
				      arg);
	arg[75] = '\0';
	n += (size_t)snprintf(text + n, sizeof(text) - n, "start last\n  args \"%s\"\n", arg);
	expect_ok(text);
	assert_int_equal(cfg.pool_used, BOOTCFG_POOL_SIZE);
	assert_int_equal(cfg.prog[20].arg[0].offset, 4020);
	assert_string_equal(bootcfg_arg(&cfg, &cfg.prog[20], 0), arg);
	snprintf(text + n, sizeof(text) - n, "start more\n  args \"\"\n");
	expect_error(text, 44, "arguments exceed the string pool (4096 bytes in all)");
	/* Escapes count unescaped: 75 times \\ is 75 bytes and a NUL, not 151. */
	n -= strlen(arg) + 3;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\"");
	for (unsigned i = 0; i < 75; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\\\\");
	snprintf(text + n, sizeof(text) - n, "\"\n");
	expect_ok(text);
	assert_int_equal(cfg.pool_used, BOOTCFG_POOL_SIZE);
	assert_int_equal(cfg.prog[20].arg[0].len, 75);
}

/* ---- several errors ---- */

static void test_collects_errors(void **state)
{
	struct bootcfg_errors errs;

	(void)state;
	assert_false(parse("start a\n"
			   "  quota 1\n"
			   "  priority 300\n"
			   "  cap x gate:nobody\n" /* not reported: the file has other errors */
			   "bogus\n"
			   "  memory 0\n"          /* skipped: no block after a broken line */
			   "start b\n"
			   "  cpus 64\n",
			   &errs));
	assert_int_equal(errs.count, 4);
	assert_int_equal(errs.error[0].line, 2);
	assert_string_equal(errs.error[0].message, "quota '1' is not a multiple of 4K (4096 bytes)");
	assert_int_equal(errs.error[1].line, 3);
	assert_string_equal(errs.error[1].message, "priority '300' out of range 0..255");
	assert_int_equal(errs.error[2].line, 5);
	assert_string_equal(errs.error[2].message, "unknown keyword 'bogus'");
	assert_int_equal(errs.error[3].line, 8);
	assert_string_equal(errs.error[3].message, "CPU number in '64' out of range 0..63");
	assert_int_equal(cfg.nprograms, 0);
	/* errs may be NULL. */
	assert_false(bootcfg_parse("bogus", 5, &cfg, NULL));
}

/* A failed 'start' skips its block; unknown keywords are still reported. */
static void test_no_cascade(void **state)
{
	struct bootcfg_errors errs;

	(void)state;
	expect_error("start a/b\n  quota 1\n  quota 1\n  serve x\nstart c\n  cap g gate:x\n", 1,
		     "bad module name 'a/b' (use A-Z a-z 0-9 _ . -)");
	expect_error("start a\x01\n  quota 1\n", 1, "control character 0x01 in line");
	expect_error("start a\n  quota 4K\n\"x\"\n  quota 8K\n", 3,
		     "expected a keyword, got a string");
	expect_error("start a\n  quota 4K\n  start b\n  quota 8K\n", 3,
		     "'start' must not be indented");
	assert_false(parse("start a/b\n  bogus\n", &errs));
	assert_int_equal(errs.count, 2);
	assert_int_equal(errs.error[1].line, 2);
	assert_string_equal(errs.error[1].message, "unknown keyword 'bogus'");
}

/* Errors from the whole-file checks are merged in line order. */
static void test_error_order(void **state)
{
	static char text[1024];
	struct bootcfg_errors errs;
	size_t n = 0;

	(void)state;
	assert_false(parse("start a\n  serve x\nstart b\n  serve x\n  bogus 1\n", &errs));
	assert_int_equal(errs.count, 2);
	assert_int_equal(errs.error[0].line, 4);
	assert_int_equal(errs.error[1].line, 5);

	/* 20 bad lines after a doubly-served service: the earliest 8 are kept. */
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "start a\n  serve x\nstart b\n  serve x\n");
	for (unsigned i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  bad%u\n", i);
	assert_false(parse(text, &errs));
	assert_int_equal(errs.count, 21);
	assert_int_equal(bootcfg_errors_kept(&errs), BOOTCFG_MAX_ERRORS);
	assert_int_equal(errs.error[0].line, 4);
	assert_string_equal(errs.error[0].message, "service 'x' is already served by 'a' (line 2)");
	for (unsigned i = 1; i < BOOTCFG_MAX_ERRORS; i++) {
		char message[32];

		snprintf(message, sizeof(message), "unknown keyword 'bad%u'", i - 1);
		assert_int_equal(errs.error[i].line, 4 + i);
		assert_string_equal(errs.error[i].message, message);
	}
}

/* ---- hostile input ---- */

static unsigned count_lines(const char *text, size_t len)
{
	unsigned lines = 0;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	return lines + (len > 0 && text[len - 1] != '\n');
}

/* Whatever the input, the result is either a consistent config or sane errors. */
static void check_outcome(const char *text, size_t len)
{
	struct bootcfg_errors errs;
	unsigned lines = count_lines(text, len);

	if (parse_len(text, len, &errs)) {
		assert_int_equal(errs.count, 0);
		assert_true(cfg.nprograms <= BOOTCFG_MAX_PROGRAMS);
		assert_true(cfg.pool_used <= BOOTCFG_POOL_SIZE);
		for (unsigned i = 0; i < cfg.nprograms; i++) {
			const struct bootcfg_program *p = &cfg.prog[i];

			assert_true(strlen(p->instance) >= 1 && strlen(p->instance) <= 31);
			assert_true(strlen(p->module) >= 1 && strlen(p->module) <= 31);
			assert_true(p->line >= 1 && p->line <= lines);
			assert_true(p->nargs <= BOOTCFG_MAX_ARGS);
			for (unsigned a = 0; a < p->nargs; a++) {
				assert_true((size_t)p->arg[a].offset + p->arg[a].len < cfg.pool_used);
				assert_int_equal(strlen(bootcfg_arg(&cfg, p, a)), p->arg[a].len);
			}
			assert_true(p->quota > 0 && p->quota % 4096 == 0);
			assert_true(p->memory > 0 && p->memory % 4096 == 0);
			assert_true(p->cpus != 0);
			assert_true(p->ncaps <= BOOTCFG_MAX_CAPS);
			for (unsigned c = 0; c < p->ncaps; c++) {
				if (p->cap[c].source == BOOTCFG_SRC_GATE)
					assert_true(p->cap[c].server < cfg.nprograms);
			}
			assert_true(p->nserves <= BOOTCFG_MAX_SERVES);
		}
		return;
	}
	assert_true(errs.count > 0);
	assert_int_equal(cfg.nprograms, 0);
	for (unsigned i = 0; i < bootcfg_errors_kept(&errs); i++) {
		const struct bootcfg_error *e = &errs.error[i];

		if (e->line < 1 || e->line > lines)
			fail_msg("error line %u outside 1..%u: %s", e->line, lines, e->message);
		assert_true(strnlen(e->message, sizeof(e->message)) < sizeof(e->message));
		assert_true(e->message[0] != '\0');
		if (i > 0)
			assert_true(errs.error[i - 1].line <= e->line);
	}
}

static void test_every_prefix(void **state)
{
	(void)state;
	for (size_t len = 0; len <= sizeof(example) - 1; len++)
		check_outcome(example, len);
}

/* Deterministic random damage to the example (seeded LCG). */
static void test_random_mutations(void **state)
{
	static const char interesting[] = " \t\n\r\"\\#,-:=0x9KGas\x00\x01\x7f\xff";
	static char buf[sizeof(example) * 2];
	uint32_t seed = 20240601;
	size_t base_len = sizeof(example) - 1;

	(void)state;
	for (int round = 0; round < 30000; round++) {
		size_t len = base_len;

		memcpy(buf, example, base_len);
		for (int k = 0; k < 1 + round % 6; k++) {
			size_t at;
			uint8_t byte;

			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			byte = (seed >> 16) & 1 ? (uint8_t)interesting[(seed >> 8) % (sizeof(interesting) - 1)]
						: (uint8_t)(seed >> 24);
			switch ((seed >> 4) % 3) {
			case 0: /* overwrite */
				buf[at] = (char)byte;
				break;
			case 1: /* insert */
				if (len < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = (char)byte;
					len++;
				}
				break;
			default: /* delete */
				if (len > 1) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
			}
		}
		if (round % 5 == 0) {
			seed = seed * 1103515245u + 12345u;
			len -= (seed >> 8) % len;
		}
		check_outcome(buf, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_files),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_line_errors),
		cmocka_unit_test(test_lexical_errors),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_duplicate_attributes),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_cap_and_serve_duplicates),
		cmocka_unit_test(test_served_thrice),
		cmocka_unit_test(test_max_programs),
		cmocka_unit_test(test_max_caps),
		cmocka_unit_test(test_max_args),
		cmocka_unit_test(test_max_serves),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_collects_errors),
		cmocka_unit_test(test_no_cascade),
		cmocka_unit_test(test_error_order),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_random_mutations),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
