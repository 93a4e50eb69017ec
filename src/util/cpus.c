/* The CPUs a process may use, from its affinity mask. */
#include <sched.h>
#include <unistd.h>

#include "whittle/cpus.h"

int
wh_cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
