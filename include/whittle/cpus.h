/* How many CPUs this process may use: the default number of threads of
 * every scan, pipeline and check. */
#ifndef WHITTLE_CPUS_H
#define WHITTLE_CPUS_H

/* The CPUs in this process's affinity mask (what taskset, a cgroup's
 * cpuset or a cluster's scheduler allots it, often fewer than the
 * machine has), else the CPUs online; at least 1. */
int wh_cpus(void);

#endif
