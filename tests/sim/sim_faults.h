/*
 * sim_faults.h - injected faults and latency.
 *
 * Deterministic: the draw for a request depends only on --fault-seed, the
 * method and raw path, and how many times that same method+path was asked
 * before. So the same seed and the same requests give the same answers, even
 * when the requests of different targets interleave differently.
 * One uniform number per request picks at most one fault, in the order reset,
 * 500, 503, applied-500 (each with its own probability); a second one gives
 * the latency jitter.
 *
 * Latency never blocks a worker: the connection is suspended
 * (MHD_suspend_connection) and a timer thread resumes it when due; the
 * request handler is then called again and answers.
 * Thread-safe.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <stdbool.h>

struct MHD_Connection;
struct sim_config;

enum sim_fault { SIM_FAULT_NONE, SIM_FAULT_RESET, SIM_FAULT_500, SIM_FAULT_503, SIM_FAULT_APPLIED_500 };

struct sim_draw {
	enum sim_fault fault;
	int delay_ms;
};

void sim_faults_init(void);
/* Stops the timer thread after resuming every delayed connection. */
void sim_faults_shutdown(void);
void sim_faults_release(void);

struct sim_draw sim_faults_draw(const struct sim_config *cfg, const char *method, const char *raw_path);

/*
 * Suspend c until now + delay_ms. Returns false (and does not suspend) once
 * shutdown has begun: the caller then answers at once.
 */
bool sim_faults_delay(struct MHD_Connection *c, int delay_ms);

#endif
