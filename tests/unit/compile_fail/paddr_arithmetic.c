/* Physical addresses take no raw arithmetic: offsets go through pa_add.
 * expect-error: invalid operands to binary \+
 */
#include <kernel/types.h>

paddr_t f(paddr_t p);

paddr_t f(paddr_t p)
{
#ifndef CONTROL
	return p + 4096;
#else
	return pa_add(p, 4096);
#endif
}
