/* A bare integer does not silently become a physical address.
 * expect-error: incompatible type for argument 1 of .pa_add.
 */
#include <kernel/types.h>

paddr_t f(uint64_t raw);

paddr_t f(uint64_t raw)
{
#ifndef CONTROL
	return pa_add(raw, 4096);
#else
	return pa_add(pa(raw), 4096);
#endif
}
