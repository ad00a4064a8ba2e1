/* Command-line lookup (see kernel/cmdline.h). */
#include <kernel/cmdline.h>
#include <kernel/string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

bool cmdline_find(const char *cmdline, const char *key, struct cmdline_value *value)
{
	size_t keylen = strlen(key);
	bool found = false;

	for (const char *p = cmdline; *p;) {
		const char *word = p, *end, *eq;

		while (*p && !is_space(*p))
			p++;
		end = p;
		while (*p && is_space(*p))
			p++;
		eq = word;
		while (eq < end && *eq != '=')
			eq++;
		if ((size_t)(eq - word) != keylen || memcmp(word, key, keylen) != 0)
			continue;
		found = true;
		value->text = eq < end ? eq + 1 : end;
		value->len = (size_t)(end - value->text);
	}
	return found;
}
