/*
 * Serves "echo" (echo.h): answers each call with the words it received,
 * until a client asks it to stop.
 */
#include <stdio.h>

#include <vireo.h>

#include "echo.h"

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? argv[0] : "echo-server";
	vireo_word_t label = vireo_env_label("echo");
	struct vireo_ret r;
	unsigned served = 0;

	if (vireo_env_cap("echo") == VIREO_CAP_INVALID || !label) {
		printf("%s: boot.cfg gives me no service \"echo\" to serve\n", name);
		return 1;
	}
	r = vireo_wait(VIREO_TIMEOUT_NEVER);
	for (;;) {
		unsigned words = vireo_tag_words(r.tag);
		vireo_tag_t reply = vireo_tag(ECHO_PROTO, 0, 0);

		if (r.status != VIREO_OK) {
			r = vireo_wait(VIREO_TIMEOUT_NEVER);
			continue;
		}
		if ((r.label & ~(vireo_word_t)0xf) == label && vireo_tag_label(r.tag) == ECHO_PROTO &&
		    words >= 1) {
			if (vireo_utcb()->mr[0] == ECHO_OP_STOP)
				break;
			if (vireo_utcb()->mr[0] == ECHO_OP_ECHO) {
				reply = vireo_tag(ECHO_PROTO, words, 0); /* the words are still in MR0.. */
				served++;
			}
		}
		r = vireo_reply_wait(reply, VIREO_TIMEOUT_NEVER);
	}
	vireo_reply(vireo_tag(ECHO_PROTO, 0, 0));
	printf("%s: stopping after %u echoes\n", name, served);
	return 0;
}
