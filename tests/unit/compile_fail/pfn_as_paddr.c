/* A page frame number is not a physical address.
 * expect-error: invalid initializer
 */
#include <kernel/types.h>

paddr_t f(pfn_t n);

paddr_t f(pfn_t n)
{
#ifndef CONTROL
	paddr_t p = n;
#else
	paddr_t p = pa_of_pfn(n);
#endif
	return p;
}
