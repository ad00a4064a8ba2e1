/*
 * Calls the "echo" service a few times with different words, checks every
 * answer, prints one result line, and stops the server.
 */
#include <stdio.h>

#include <vireo.h>

#include "echo.h"

#define ROUNDS 3

/* One echo of `words` words (MR1..) derived from round; true if they came back. */
static bool echo_once(vireo_cap_t echo, unsigned round, unsigned words)
{
	vireo_word_t *mr = vireo_utcb()->mr;
	struct vireo_ret r;

	mr[0] = ECHO_OP_ECHO;
	for (unsigned i = 1; i < words; i++)
		mr[i] = 0x1000 * round + i;
	r = vireo_call(echo, vireo_tag(ECHO_PROTO, words, 0), 0);
	if (r.status != VIREO_OK || vireo_tag_words(r.tag) != words || mr[0] != ECHO_OP_ECHO)
		return false;
	for (unsigned i = 1; i < words; i++)
		if (mr[i] != 0x1000 * round + i)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "echo-client";
	vireo_cap_t echo = vireo_env_cap("echo");
	unsigned good = 0;
	static const unsigned words[ROUNDS] = { 2, 5, 40 }; /* registers only, then the UTCB */

	if (echo == VIREO_CAP_INVALID) {
		printf("%s: boot.cfg gives me no capability \"echo\"\n", name);
		return 1;
	}
	for (unsigned i = 0; i < ROUNDS; i++)
		good += echo_once(echo, i + 1, words[i]);
	vireo_utcb()->mr[0] = ECHO_OP_STOP;
	(void)vireo_call(echo, vireo_tag(ECHO_PROTO, 1, 0), 0);
	printf("%s: %u of %u echoes correct\n", name, good, ROUNDS);
	return good == ROUNDS ? 0 : 1;
}
