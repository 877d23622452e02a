/* A small pool of worker threads for run() batches (pool.c). Each task runs whole on one worker,
 * so a batch executes in order; several batches run in parallel, one per worker. */
#ifndef RAIDTX_POOL_H
#define RAIDTX_POOL_H

struct pool_task {
	struct pool_task *next;
	void (*run)(struct pool_task *);  /* on a worker: raw pointers only */
	void (*done)(struct pool_task *); /* on the same worker, after run: hand back to JS */
};

/* queues a task (JS thread); 0 on success, -1 if no worker thread could be started */
int pool_submit(struct pool_task *t);

#endif
