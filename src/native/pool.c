/* Worker threads for run(), one per CPU (2..16), started on first use. Not napi_async_work: the
 * libuv threadpool (4 threads) also serves the fs I/O that feeds these kernels, and long parity
 * batches there would stall reads. Workers sleep on a condition variable; polling before sleeping
 * was measured and rejected: on this 2-vCPU VM a polling worker slowed the JS thread's wake-up
 * more than it saved (small batches run inline instead,
 * see RAIDTX_INLINE_MAX_BYTES in contract.h). */
#include <pthread.h>
#include <unistd.h>
#include "pool.h"

#define MAX_WORKERS 16

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct pool_task *head, *tail; /* FIFO, under mu */
static int sleepers;                  /* workers waiting on cv, under mu */
static int workers;                   /* started, under mu */

static struct pool_task *take_locked(void)
{
	struct pool_task *t = head;
	head = t->next;
	if (!head)
		tail = NULL;
	return t;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!head) {
			sleepers++;
			pthread_cond_wait(&cv, &mu);
			sleepers--;
		}
		struct pool_task *t = take_locked();
		pthread_mutex_unlock(&mu);
		t->run(t);
		t->done(t);
	}
	return NULL;
}

static int max_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 2 ? 2 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

int pool_submit(struct pool_task *t)
{
	t->next = NULL;
	pthread_mutex_lock(&mu);
	if (workers == 0) { /* started on first use: one per CPU (2..16), detached for good */
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		for (int i = max_workers(); i > 0; i--) {
			pthread_t th;
			if (pthread_create(&th, &at, worker, NULL) == 0)
				workers++;
		}
		pthread_attr_destroy(&at);
		if (workers == 0) {
			pthread_mutex_unlock(&mu);
			return -1;
		}
	}
	if (tail)
		tail->next = t;
	else
		head = t;
	tail = t;
	if (sleepers)
		pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return 0;
}
