/*
 * The smallest program the root task starts from boot.cfg: prints its
 * arguments and a greeting. For the system tests it can also misbehave:
 * "crash" reads an unmapped address, "trap" executes ebreak, "fail" exits
 * with status 3.
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

int main(int argc, char **argv)
{
	int status;

	for (int i = 0; i < argc; i++)
		printf("%s: argv[%d] = \"%s\"\n", argv[0], i, argv[i]);
	for (int i = 1; i < argc; i++)
		if ((status = misbehave(argv[i])) >= 0)
			return status;
	printf("hello from %s\n", argc > 0 ? argv[0] : "a program without a name");
	return 0;
}
