/*
 * The smallest program the root task starts from boot.cfg: prints its
 * arguments and a greeting. For the system tests it can also misbehave:
 * "crash" reads an unmapped address, "trap" executes ebreak, "fail" exits
 * with status 3, "resources" shows the files boot.cfg gave it and asks
 * its parent for memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vireo.h>

static int misbehave(const char *how)
{
	if (strcmp(how, "crash") == 0) {
		uintptr_t unmapped = 0x10;

		__asm__("" : "+r"(unmapped)); /* hide the constant from the optimizer */
		return (int)*(volatile unsigned long *)unmapped; /* the root task reports it */
	}
	if (strcmp(how, "trap") == 0)
		__asm__ volatile("ebreak"); /* the root task reports the exception */
	if (strcmp(how, "fail") == 0)
		return 3;
	return -1;
}

/* Every file from boot.cfg (its first line), then memory: 1 MiB, then more than allowed. */
static int resources(const char *me)
{
	const char *motd;
	size_t size = 0;
	void *mem = 0;
	enum vireo_status st;

	if ((motd = vireo_env_file("motd", &size)) != 0)
		printf("%s: file motd: %zu bytes: %.*s\n", me, size, (int)strcspn(motd, "\n"),
		       motd);
	if (vireo_env_file("none", &size) == 0)
		printf("%s: no file none\n", me);
	st = vireo_parent_memory(1 << 20, &mem);
	if (st == VIREO_OK) {
		size_t nonzero = 0;

		for (size_t i = 0; i < (1 << 20); i++)
			nonzero += ((volatile char *)mem)[i] != 0;
		memset(mem, 0xa5, 1 << 20);
		printf("%s: 1 MiB at %p, %zu bytes not zero\n", me, mem, nonzero);
	}
	printf("%s: 1 GiB more: %s\n", me, vireo_status_name(vireo_parent_memory(1u << 30, &mem)));
	printf("%s: 5 bytes: %s\n", me, vireo_status_name(vireo_parent_memory(5, &mem)));
	return st == VIREO_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	int status;

	for (int i = 0; i < argc; i++)
		printf("%s: argv[%d] = \"%s\"\n", argv[0], i, argv[i]);
	for (int i = 1; i < argc; i++) {
		if ((status = misbehave(argv[i])) >= 0)
			return status;
		if (strcmp(argv[i], "resources") == 0)
			return resources(argv[0]);
	}
	printf("hello from %s\n", argc > 0 ? argv[0] : "a program without a name");
	return 0;
}
