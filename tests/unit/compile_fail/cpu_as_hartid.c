/* Logical CPU numbers and hart ids are different number spaces.
 * expect-error: incompatible type for argument 1 of .hartid_val.
 */
#include <kernel/types.h>

uint64_t f(cpu_t c);

uint64_t f(cpu_t c)
{
#ifndef CONTROL
	return hartid_val(c);
#else
	return hartid_val(hartid(cpu_val(c)));
#endif
}
